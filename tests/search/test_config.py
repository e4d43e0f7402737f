"""A matcher config file: what tune --out writes, evaluate --config reads back the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.search.config import DEFAULT, MatchConfig, read_config, write_config


def test_a_written_config_reads_back_equal(tmp_path: Path) -> None:
    config = MatchConfig(w_coverage=0.5, w_phrase=0.3).with_thresholds(answer=60.0)
    write_config(config, tmp_path / "tuned.yaml")
    assert read_config(tmp_path / "tuned.yaml") == config


def test_missing_fields_keep_the_tuned_defaults(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("shortlist_size: 6\n", encoding="utf-8")
    config = read_config(tmp_path / "c.yaml")
    assert config.shortlist_size == 6
    assert config.thresholds == DEFAULT


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("shortlist_sise: 6\n", "unknown config fields: shortlist_sise"),
        ("- 1\n", "expected a mapping of config fields"),
        ("thresholds: {answer: 60}\n", "thresholds must name every threshold once"),
    ],
)
def test_a_bad_config_file_is_a_clear_error(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        read_config(tmp_path / "c.yaml")
