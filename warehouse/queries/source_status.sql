-- Per source and launch: the cursor and the most recent run (whichever exists).
WITH last_runs AS (
    SELECT *
    FROM ingest_runs
    QUALIFY row_number() OVER (PARTITION BY source, launch_key ORDER BY run_id DESC) = 1
)
SELECT
    coalesce(r.source, c.source)         AS source,
    coalesce(r.launch_key, c.launch_key) AS launch_key,
    c.cursor_at,
    r.status,
    r.started_at,
    r.fetched,
    r.inserted,
    r.updated,
    r.quarantined,
    r.error
FROM last_runs r
FULL OUTER JOIN source_cursors c ON r.source = c.source AND r.launch_key = c.launch_key
ORDER BY source, launch_key
