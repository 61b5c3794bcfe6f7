-- Core tables. The posts columns mirror extractors.post.Post field by field (a test checks it),
-- followed by the warehouse's own bookkeeping columns.

CREATE TABLE posts (
    post_id       VARCHAR PRIMARY KEY,
    platform      VARCHAR NOT NULL,
    native_id     VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    thread_id     VARCHAR,
    parent_id     VARCHAR,
    author        VARCHAR,
    title         VARCHAR,
    text          VARCHAR NOT NULL,
    lang          VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    collected_at  TIMESTAMPTZ NOT NULL,
    score         BIGINT,
    replies       BIGINT,
    collector     VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,   -- collected_at of the first sighting; never updated
    last_seen_at  TIMESTAMPTZ NOT NULL    -- collected_at of the latest sighting
);

-- The payload each post came from, so history can be re-normalized with a newer normalizer.
CREATE TABLE raw_items (
    post_id    VARCHAR PRIMARY KEY,
    source     VARCHAR NOT NULL,
    query      VARCHAR NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    payload    JSON NOT NULL
);

CREATE TABLE launches (
    launch_key   VARCHAR PRIMARY KEY,
    name         VARCHAR NOT NULL,
    organization VARCHAR NOT NULL,
    released_at  TIMESTAMPTZ NOT NULL,
    url          VARCHAR
);

CREATE TABLE launch_variants (
    variant_key VARCHAR PRIMARY KEY,
    launch_key  VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    released_at TIMESTAMPTZ
);

-- Every spelling that names a launch or one of its variants. `normalized` is the form matched
-- against normalized post text; `context_only` aliases count only inside an already matched thread.
CREATE TABLE launch_aliases (
    alias        VARCHAR NOT NULL,
    normalized   VARCHAR NOT NULL,
    launch_key   VARCHAR NOT NULL,
    variant_key  VARCHAR,
    context_only BOOLEAN NOT NULL DEFAULT false
);

-- Which launches (and variants) a post is about. `via` is 'alias' when the post itself names the
-- launch, 'thread' when it inherits the launch from the thread it answers.
CREATE TABLE post_launches (
    post_id      VARCHAR NOT NULL,
    launch_key   VARCHAR NOT NULL,
    variant_keys VARCHAR[] NOT NULL,
    matched      VARCHAR[] NOT NULL,
    via          VARCHAR NOT NULL,
    PRIMARY KEY (post_id, launch_key)
);

CREATE TABLE classifications (
    post_id       VARCHAR NOT NULL,
    model_id      VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    sentiment     VARCHAR NOT NULL,
    claims        VARCHAR[] NOT NULL,
    scores        JSON NOT NULL,
    evidence      JSON NOT NULL,
    classified_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (post_id, model_id, model_version)
);

-- The classifier version the timeline reads: the most recently activated row.
CREATE TABLE classifier_versions (
    model_id      VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    activated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (model_id, model_version)
);

CREATE TABLE benchmark_events (
    event_id       VARCHAR PRIMARY KEY,   -- stable hash of origin, model, kind, time and value
    launch_key     VARCHAR,               -- NULL when the model names no catalogued launch
    variant_key    VARCHAR,
    event_time     TIMESTAMPTZ NOT NULL,  -- start of the period when only a date or month is known
    time_precision VARCHAR NOT NULL,      -- 'second', 'day' or 'month'
    kind           VARCHAR NOT NULL,      -- release, leaderboard_entry, benchmark_result, official_statement, controversy
    model_name     VARCHAR NOT NULL,      -- as the source spells it
    source         VARCHAR NOT NULL,
    value          VARCHAR,
    url            VARCHAR NOT NULL,
    note           VARCHAR,
    origin_file    VARCHAR NOT NULL,      -- the file it was imported from
    imported_at    TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE ingest_run_ids START 1;

CREATE TABLE ingest_runs (
    run_id       BIGINT PRIMARY KEY DEFAULT nextval('ingest_run_ids'),
    source       VARCHAR NOT NULL,
    launch_key   VARCHAR,
    window_start TIMESTAMPTZ NOT NULL,
    window_end   TIMESTAMPTZ NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    fetched      BIGINT NOT NULL DEFAULT 0,
    inserted     BIGINT NOT NULL DEFAULT 0,
    updated      BIGINT NOT NULL DEFAULT 0,
    quarantined  BIGINT NOT NULL DEFAULT 0,
    status       VARCHAR NOT NULL,        -- running, ok, failed
    error        VARCHAR
);

CREATE SEQUENCE quarantine_ids START 1;

CREATE TABLE quarantine (
    quarantine_id  BIGINT PRIMARY KEY DEFAULT nextval('quarantine_ids'),
    run_id         BIGINT,
    source         VARCHAR NOT NULL,
    payload        VARCHAR NOT NULL,      -- the record as received, JSON text when it was JSON
    payload_sha256 VARCHAR NOT NULL,      -- the same record seen again is kept once
    reason         VARCHAR NOT NULL,
    quarantined_at TIMESTAMPTZ NOT NULL,
    UNIQUE (source, payload_sha256)
);

-- Where each source stopped for each launch: the newest created_at it has collected.
CREATE TABLE source_cursors (
    source     VARCHAR NOT NULL,
    launch_key VARCHAR NOT NULL,
    cursor_at  TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, launch_key)
);

-- When the snapshot a reader has open was published (one row, rewritten at each publish).
CREATE TABLE snapshot_info (
    published_at TIMESTAMPTZ NOT NULL
);
