"""The feedback database's schema, as an append-only list of migrations.

``PRAGMA user_version`` records how many have run. To evolve the schema, append a migration;
never edit one that has shipped. Times are UTC seconds since the epoch (REAL), so retention and
"since" filters are plain comparisons. No table holds a user id or a name.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    # 1: questions the bot could not answer, answers it showed, members' votes, the asked log.
    """
    CREATE TABLE unanswered (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        normalized TEXT NOT NULL,
        guild_id INTEGER,
        channel_id INTEGER,
        asked_at REAL NOT NULL,
        candidate_id TEXT,
        candidate_score REAL,
        reason TEXT NOT NULL,
        answer_id TEXT UNIQUE
    );
    CREATE INDEX unanswered_asked_at ON unanswered (asked_at);

    CREATE TABLE answers (
        answer_id TEXT PRIMARY KEY,
        entry_id TEXT NOT NULL,
        question TEXT NOT NULL,
        score REAL,
        guild_id INTEGER,
        channel_id INTEGER,
        shown_at REAL NOT NULL
    );
    CREATE INDEX answers_shown_at ON answers (shown_at);

    CREATE TABLE votes (
        answer_id TEXT NOT NULL REFERENCES answers (answer_id) ON DELETE CASCADE,
        voter TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        voted_at REAL NOT NULL,
        UNIQUE (answer_id, voter)
    );
    CREATE INDEX votes_voted_at ON votes (voted_at);

    CREATE TABLE asked (
        id INTEGER PRIMARY KEY,
        outcome TEXT NOT NULL,
        entry_id TEXT,
        asked_at REAL NOT NULL
    );
    CREATE INDEX asked_asked_at ON asked (asked_at);
    """,
    # 2: the article a channel answers about first (/kb article); a setting, never purged.
    """
    CREATE TABLE channel_articles (
        channel_id INTEGER PRIMARY KEY,
        guild_id INTEGER,
        article_id TEXT NOT NULL,
        set_at REAL NOT NULL
    );
    """,
)
