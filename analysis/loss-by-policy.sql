-- usage: sqlite3 -readonly -header -column data/results.db < analysis/loss-by-policy.sql
--
-- Probability of data loss per policy combination: the share of runs (status ok)
-- with lost_bytes > 0, its Wilson 95% interval, and the mean lost_bytes.
--
-- A policy combination is the scenario plus the run's row of the view run_policy: the
-- values of every param that varies among the ok runs (two or more values, or missing
-- from some), global.seed excepted, written "kernel=6.1 punch=truncate-punch ...
-- pwriter.fail_rate=0.1" with the policy keys first and "global." dropped; "all" when
-- nothing varies. The view is part of the schema from version 2 (sim/store/store.c);
-- a version-1 database gets it the next time wpsim writes to it (sweep, run --db,
-- merge). Failed runs are counted apart. Rows are in text order (kernel=6.13 before
-- kernel=6.2; `wpsim report` orders versions and numbers properly). Needs the sqlite3
-- shell's math functions (sqrt; SQLite >= 3.35 as Debian builds it).
WITH
counts AS (
	SELECT r.scenario, COALESCE(k.policy, 'all') AS policy,
	       SUM(r.status = 'ok' AND m.value IS NOT NULL) AS runs,
	       SUM(r.status IS NOT 'ok') AS failed,
	       SUM(r.status = 'ok' AND m.value > 0) AS lost_runs,
	       AVG(CASE WHEN r.status = 'ok' THEN m.value END) AS mean_lost_bytes
	FROM run r
	LEFT JOIN run_policy k ON k.run_id = r.run_id
	LEFT JOIN metric m ON m.run_id = r.run_id AND m.name = 'lost_bytes'
	GROUP BY r.scenario, COALESCE(k.policy, 'all')
),
wilson AS (
	SELECT *, 1.959963984540054 AS z, 1.0 * lost_runs / runs AS p FROM counts WHERE runs > 0
)
SELECT scenario, policy, runs, failed, lost_runs,
       round(p, 4) AS p_loss,
       CASE WHEN lost_runs = 0 THEN 0.0 ELSE round(
	       ((p + z * z / (2 * runs)) - z * sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)))
	       / (1 + z * z / runs), 4) END AS p_loss_lo,
       CASE WHEN lost_runs = runs THEN 1.0 ELSE round(
	       ((p + z * z / (2 * runs)) + z * sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)))
	       / (1 + z * z / runs), 4) END AS p_loss_hi,
       round(mean_lost_bytes, 1) AS mean_lost_bytes
FROM wilson
UNION ALL
SELECT scenario, policy, 0, failed, 0, NULL, NULL, NULL, NULL FROM counts WHERE runs = 0
ORDER BY scenario, policy;
