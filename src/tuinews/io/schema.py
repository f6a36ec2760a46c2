"""The database schema as numbered migrations.

`PRAGMA user_version` holds the number of migrations applied; each migration
runs in its own transaction.  Never edit a released migration: append one.
"""

from __future__ import annotations

# 'tunw': marks the file as ours, so a foreign SQLite file is never touched.
APPLICATION_ID = 0x74756E77

MIGRATIONS: tuple[str, ...] = (
    # 1: feeds, stories, extracted articles, topics, full-text index.
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        custom_title TEXT,
        site_url TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        active INTEGER NOT NULL DEFAULT 1,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        last_fetch_at REAL,
        last_success_at REAL,
        last_status INTEGER,
        last_error TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        next_fetch_at REAL,
        created_at REAL NOT NULL
    );
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        guid TEXT,
        link TEXT,
        title TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        content TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        published REAL,
        ts REAL NOT NULL,
        first_seen REAL NOT NULL,
        content_hash TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        UNIQUE (feed_id, key)
    );
    CREATE INDEX stories_ts ON stories (ts DESC, id DESC);
    CREATE INDEX stories_feed_ts ON stories (feed_id, ts DESC, id DESC);
    CREATE INDEX stories_unread ON stories (read, ts DESC, id DESC);
    CREATE INDEX stories_starred ON stories (starred) WHERE starred = 1;
    CREATE TABLE articles (
        story_id INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
        url TEXT,
        title TEXT NOT NULL DEFAULT '',
        byline TEXT NOT NULL DEFAULT '',
        published REAL,
        html TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        fetched_at REAL NOT NULL,
        error TEXT
    );
    CREATE TABLE story_topics (
        topic TEXT NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        ts REAL NOT NULL,
        PRIMARY KEY (topic, story_id)
    ) WITHOUT ROWID;
    CREATE INDEX story_topics_ts ON story_topics (topic, ts DESC);
    CREATE INDEX story_topics_story ON story_topics (story_id);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE VIRTUAL TABLE story_fts USING fts5 (
        title, summary, article, tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # 2: same-story clusters; each story keeps the fingerprint it was clustered by.
    """
    ALTER TABLE stories ADD COLUMN cluster_id INTEGER;
    ALTER TABLE stories ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
    CREATE INDEX stories_cluster ON stories (cluster_id) WHERE cluster_id IS NOT NULL;
    CREATE VIRTUAL TABLE story_vocab USING fts5vocab (story_fts, 'row');
    """,
    # 3: the killfile's hidden flag, and tombstones so that pruned stories do not come back as new.
    """
    ALTER TABLE stories ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE removed (
        feed_id INTEGER NOT NULL,
        key TEXT NOT NULL,
        removed_at REAL NOT NULL,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;
    CREATE INDEX stories_unclustered ON stories (id) WHERE fingerprint = '';
    """,
    # 4: clustering happens after a refresh, not inside it; new stories wait with clustered = 0.
    """
    ALTER TABLE stories ADD COLUMN clustered INTEGER NOT NULL DEFAULT 1;
    UPDATE stories SET clustered = 0 WHERE fingerprint = '';
    DROP INDEX stories_unclustered;
    CREATE INDEX stories_pending ON stories (ts) WHERE clustered = 0;
    """,
    # 5: the full-text index catches up in batches after a refresh (Store.index_pending); every
    # story up to meta 'fts_upto' is indexed.  Existing databases were indexed story by story.
    """
    INSERT OR REPLACE INTO meta (key, value) SELECT 'fts_upto', coalesce(max(id), 0) FROM stories;
    """,
    # 6: FTS5 merges segments once 16 (not 4) of a level exist: index_pending writes thousands
    # of rows per transaction, and the default merged them again and again (0.3 s and 7 MB of a
    # 500-feed refresh); searches read at most a few more segments (`vacuum` merges them all).
    """
    INSERT INTO story_fts (story_fts, rank) VALUES ('automerge', 16);
    """,
    # 7: sync with a Google Reader API server.  sync_subscriptions: the server's feeds (a feed row
    # each, shared with a [[feeds]] entry of the same URL).  sync_items: server item id -> story (NULL
    # once the story was pruned, so the server's copy is not fetched again).  sync_pending: read and
    # starred changes made here that the server has not accepted yet, one row per item and field.
    """
    CREATE TABLE sync_subscriptions (
        stream_id TEXT PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        labels TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX sync_subscriptions_feed ON sync_subscriptions (feed_id);
    CREATE TABLE sync_items (
        item_id INTEGER PRIMARY KEY,
        story_id INTEGER UNIQUE REFERENCES stories(id) ON DELETE SET NULL,
        crawled REAL
    );
    CREATE TABLE sync_pending (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        item_id INTEGER NOT NULL,
        field TEXT NOT NULL,
        value INTEGER NOT NULL,
        UNIQUE (item_id, field)
    );
    """,
)
