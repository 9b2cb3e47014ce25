-- A job's letters are kept for its history, so this table only grows, while every letter of a job
-- changes its row twice (in flight, outcome). Each change leaves a dead version in the job-letter
-- holds index that the next job's start reads past (its census and claims ask which letters are
-- held). At autovacuum's default share of 20 % of the table, a table of ten finished 100,000-letter
-- jobs is vacuumed after the second job at the earliest: here after 1 % (plus 10,000 rows).
-- No effect on a server that runs without autovacuum, nor on the embedded store.
ALTER TABLE "redrive_job_letters" SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 10000,
  autovacuum_analyze_scale_factor = 0.02
);
