"""Safe, bounded, strict YAML for files that people edit by hand.

We compose YAML into nodes with PyYAML's SafeLoader (never arbitrary objects) and read values off
the nodes ourselves, so every value keeps its line number and we can see how YAML 1.1 resolved a
plain scalar: a moderator who writes `answer: no` gets told that YAML read a boolean.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

# A knowledge file is a few dozen entries (~20 KB); 1 MiB leaves ample room and refuses junk.
MAX_FILE_BYTES = 1024 * 1024
# Nesting deeper than this is never a knowledge file and could exhaust the parser's recursion.
MAX_DEPTH = 20

STR_TAG = "tag:yaml.org,2002:str"
_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


_NO_ALIASES = "anchors and aliases (&name / *name) are not allowed; write the value out"


class YamlSyntaxError(Exception):
    """The text is not YAML we accept; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _NoAliasLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors, aliases and deep nesting (no alias bombs)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlSyntaxError(_NO_ALIASES, event.start_mark.line + 1)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlSyntaxError(
                    f"nested more than {MAX_DEPTH} levels deep", event.start_mark.line + 1
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse_yaml(data: bytes) -> yaml.Node | None:
    """Decode and compose one YAML document into nodes; raise YamlSyntaxError on anything off."""
    if len(data) > MAX_FILE_BYTES:
        raise YamlSyntaxError(
            f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} (wrong file?)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlSyntaxError(
            f"not valid UTF-8 (byte {error.start}); save the file as UTF-8", line
        ) from None
    try:
        if _FAST_LOADER is None:
            return _compose_checked(text)
        # libyaml is about 15 times faster than PyYAML's Python parser (a reload of the real
        # knowledge base went from 0.6 s to 0.05 s). Its composer cannot be hooked, so a first
        # pass over the parse events refuses aliases and deep nesting before anything is built.
        if "&" in text or "*" in text:  # an anchor or alias may be there: never compose it
            _check_events(yaml.parse(text, Loader=_FAST_LOADER))
            return yaml.compose(text, Loader=_FAST_LOADER)
        # Without "&" or "*" there is no anchor or alias, and libyaml composes nesting up to
        # 1,000 levels without trouble: the depth is checked on the nodes (a third of the
        # parse time saved on every load).
        node = yaml.compose(text, Loader=_FAST_LOADER)
        _check_depth(node)
        return node
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or str(error)
        context = f" ({error.context})" if error.context else ""
        raise YamlSyntaxError(
            f"not valid YAML: {problem}{context}", mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(f"not valid YAML: {error}") from None


def _fast_loader() -> type[yaml.CSafeLoader] | None:
    """Return libyaml's safe loader, resolving plain strings without PyYAML's general search.

    libyaml calls back into Python to resolve each scalar's tag; most are text that cannot be
    a number, date, boolean or null, which its first character shows (a third of the parse).
    """
    base: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
    if base is None or None in base.yaml_implicit_resolvers or base.yaml_path_resolvers:
        return base
    may_be_other = frozenset(base.yaml_implicit_resolvers)  # first characters of non-strings

    class Loader(base):  # type: ignore[valid-type,misc]
        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode and (
                not implicit[0] or (value and value[0] not in may_be_other)
            ):
                return str(self.DEFAULT_SCALAR_TAG)
            return str(super().resolve(kind, value, implicit))

    return Loader


_FAST_LOADER = _fast_loader()


def _check_events(events: Iterator[yaml.Event]) -> None:
    """Refuse anchors, aliases and nesting deeper than MAX_DEPTH, from parse events."""
    depth = 0
    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlSyntaxError(_NO_ALIASES, line)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_depth(root: yaml.Node | None) -> None:
    """Refuse nesting deeper than MAX_DEPTH, at the first collection too deep.

    Level by level, each in the document's order, so the first node of the first level too
    deep is the first collection too deep in the document. Text (most nodes) is passed over.
    """
    level = [] if root is None or type(root) is yaml.ScalarNode else [root]
    depth = 1
    while level:
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(f"nested more than {MAX_DEPTH} levels deep", line_of(level[0]))
        inner: list[yaml.Node] = []
        for node in level:
            if type(node) is yaml.MappingNode:
                for key, value in node.value:
                    if type(key) is not yaml.ScalarNode:
                        inner.append(key)
                    if type(value) is not yaml.ScalarNode:
                        inner.append(value)
            else:
                inner.extend(child for child in node.value if type(child) is not yaml.ScalarNode)
        level = inner
        depth += 1


def _compose_checked(text: str) -> yaml.Node | None:
    """Compose with PyYAML's own parser, checking as it goes (when libyaml is missing)."""
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def line_of(node: yaml.Node) -> int:
    """Return the 1-based line a node starts on."""
    return int(node.start_mark.line) + 1


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A mapping key that appears twice."""

    key: str
    line: int
    first_line: int


def duplicate_keys(node: yaml.MappingNode) -> list[DuplicateKey]:
    """Return every key of a mapping that repeats an earlier one."""
    keys = [str(key_node.value) for key_node, _ in node.value]
    if len(set(keys)) == len(keys):  # as nearly always: no line looked up
        return []
    seen: dict[str, int] = {}
    duplicates = []
    for key_node, _ in node.value:
        key = str(key_node.value)
        if key in seen:
            duplicates.append(DuplicateKey(key, line_of(key_node), seen[key]))
        else:
            seen[key] = line_of(key_node)
    return duplicates


def describe_non_string(node: yaml.Node) -> str | None:
    """Explain why a node is not a string, or return None if it is one."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == STR_TAG:
            return None
        kind = _TAG_NAMES.get(node.tag, f"a value of type {node.tag}")
        shown = node.value if node.value else "(nothing)"
        return f"YAML reads {shown!r} as {kind}, not text; put it in quotes"
    if isinstance(node, yaml.MappingNode):
        return "expected text, found a mapping (key: value); check the indentation and colons"
    return "expected text, found a list"
