"""Turn what people type into comparable text: one normaliser for questions, phrasings and terms."""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that render as nothing and would split or hide words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>")  # mentions, channels, custom emoji
_URL = re.compile(r"https?://\S+")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}(?!\d))")
# "3645km" -> "3645 km", but "g8" stays one token.
_NUMBER_UNIT = re.compile(r"(?<=\d)(?!(?:st|nd|rd|th)\b)(?=[a-z]{2,}\b)")
_NON_WORD = re.compile(r"[^\w$%]+")
_UNDERSCORE = re.compile(r"_+")
# Letters held down for effect ("whyyy", "lmaooo", "soooo"): no English word has three in a row.
_HELD_LETTER = re.compile(r"([^\W\d_])\1{2,}")

# Greetings and address at the start of a message: "hey bot", "yo citebot", "@citebot".
_LEADING_FILLER = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|so|um+|uh+|pls|please|quick question|question|q)\b[\s,:!.]*)*"
    r"(?:(?:cite\s?bot|bot|citebot)\b[\s,:!.]*)?",
)


# Chat framings that would otherwise read as topic words ("deal" is the article's gas deal).
_FRAMINGS = re.compile(
    # "what's" has lost its "s" to the possessive rule by the time this runs
    r"\bwhat(?:s| is)? (?:the|ur|your) deal (?:with|w)\b|\bwhat(?:s| is)? up with\b"
    # "what does the author say about sanctions" asks about sanctions, not about the author
    r"|\bwhat (?:does|did|do) (?:the )?(?:author|writer|auther|hammond|article|artical|piece)"
    r" (?:say|said|says|think|thinks|argue|argues|write|wrote|claim|claims)"
    r" (?:about|on|regarding)\b"
)
# Chat idioms whose words would read as topic words: "quick one", "the other way round", "what
# led to" (the cause is asked, not someone leading).
_IDIOMS = re.compile(r"\bquick one\b|\b(?:the )?other way (?:a)?round\b|\bfor real\b|\bled to\b")
# The article's pair, said the way people refer back to it: "the two countries", "both sides".
_THE_PAIR = re.compile(
    r"\b(?:the|these|those) two (?:countries|nations|powers|states|sides|neighbou?rs|giants)\b"
)


# Greetings phrased as questions: "what's good", "how's it going". They ask nothing.
_SMALL_TALK = re.compile(
    r"(?:yo |hey |so )?(?:whats|what is|wats|sup|wassup|whats up|hows|how is|how are)"
    r"(?: good| up| poppin| popping| new| happening| it going| everyone| you| u| ya| things)?"
    r"(?: guys| all| everyone| yall| bot| citebot| fam| bro)?"
)


# Asking how to use the bot ("help", "!help", "what can you do"): not a question about the article.
# "help" is also the article's word for what China does for Russia, so it must not reach that entry.
_HELP_REQUEST = re.compile(
    r"(?:can you |could you |can u |pls |please |i need |need )?"
    r"(?:help|halp|commands|usage|what can you do|how do (?:i|you) use (?:this|you|it|the bot))"
    r"(?: me| us| pls| please| plz)?"
)


# Questions about the article itself whose every word is filler ("what is this article about",
# "where is it from"): said again in the words the knowledge base uses for them.
_ARTICLE_QUESTIONS = (
    (
        re.compile(
            r"(?:so )?what(?:s| is| was)? (?:this|the|that|it)(?: whole)?"
            r"(?: article| piece| story| op ed| oped| text| thing)? (?:is |was )?(?:even )?about"
        ),
        "gist of the article",
    ),
    (
        re.compile(  # "where's" has lost its "'s" to the possessive rule
            r"wheres? (?:is |was |does |did )?(?:this|the|that|it)"
            r"(?: article| piece| story| op ed)? (?:from|come from|published|run|appear)"
        ),
        "which publication published the article",
    ),
    (
        re.compile(
            r"whens? (?:is |was |did )?(?:this|the|that|it)(?: article| piece| story| op ed)?"
            r" (?:from|written|published|come out|out)"
        ),
        "publication date of the article",
    ),
    (
        re.compile(r"how (?:does|did) (?:this|the|that|it)(?: article| piece| story| op ed)? end"),
        "the ending of the article",
    ),
    (
        re.compile(
            r"(?:whose (?:article|piece|story|op ed) is (?:this|it)"
            r"|who (?:is |was )?(?:this|the|that|it)(?: article| piece| story| op ed)? by)"
        ),
        "who wrote the article",
    ),
    (
        re.compile(
            r"(?:explain|summari[sz]e|sum up) (?:this|the|that)(?: article| piece| story| op ed)?"
            r"|what(?:s| is)? the (?:point|gist|idea) of (?:this|the|that)"
            r"(?: article| piece| story| op ed)?"
        ),
        "gist of the article",
    ),
    (
        re.compile(
            r"is (?:this|it|the article) (?:just |only |really )?(?:an? )?"
            r"(?:op ed|oped|opinion|opinion piece|editorial)"
        ),
        "is this an opinion piece",
    ),
)


# Loading normalises each phrasing in the loader and again in the index, and synonyms several
# times: remembering recent results saves a third of the load time. Entries are short strings.
@functools.lru_cache(maxsize=16384)
def normalize(text: str) -> str:
    """Return ``text`` casefolded, with markup, punctuation and greetings removed."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_QUOTES)
    text = _DISCORD_MARKUP.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _HELD_LETTER.sub(r"\1", text.casefold())
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHE.sub("", text)
    text = _THOUSANDS.sub("", text)
    text = _NUMBER_UNIT.sub(" ", text)
    text = _UNDERSCORE.sub(" ", _NON_WORD.sub(" ", text)).strip()
    text = re.sub(r"\$\s*(?=\d)", "$", text)
    text = re.sub(r"\$(?!\d)", " ", text)
    text = _FRAMINGS.sub("what about", " ".join(text.split()))
    text = _THE_PAIR.sub("china and russia", text)
    text = " ".join(_IDIOMS.sub(" ", text).split())
    text = _LEADING_FILLER.sub("", text).strip()
    if _SMALL_TALK.fullmatch(text):
        return ""
    for pattern, meaning in _ARTICLE_QUESTIONS:
        if pattern.fullmatch(text):
            return meaning
    return text


def asks_for_help(normalized: str) -> bool:
    """True for a whole question that asks how to use the bot: "help", "what can you do"."""
    return _HELP_REQUEST.fullmatch(normalized) is not None


def tokens(text: str) -> list[str]:
    """Split already-normalised text into tokens."""
    return text.split()
