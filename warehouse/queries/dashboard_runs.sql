-- The latest ingest runs, newest first.
SELECT run_id, source, launch_key, window_start, window_end, started_at, finished_at, status,
       fetched, inserted, updated, quarantined, error
FROM ingest_runs
ORDER BY started_at DESC, run_id DESC
LIMIT $limit;
