-- usage: sqlite3 -readonly -header -column data/results.db < analysis/latency-by-policy.sql
--
-- Latency per policy combination and operation, from the latency table (runs with
-- status ok): runs, operations, the operation-weighted mean, the median over runs of
-- each run's p50 and p99 (the statistic `wpsim report` prints), the worst run's p99
-- and the largest latency seen. Simulated microseconds. Policy combinations as in
-- loss-by-policy.sql (the view run_policy).
WITH
lat AS (
	SELECT r.scenario, COALESCE(k.policy, 'all') AS policy, l.*
	FROM run r
	JOIN latency l ON l.run_id = r.run_id
	LEFT JOIN run_policy k ON k.run_id = r.run_id
	WHERE r.status = 'ok'
),
ranked AS (
	SELECT *,
	       ROW_NUMBER() OVER (PARTITION BY scenario, policy, op ORDER BY p50_us) AS r50,
	       ROW_NUMBER() OVER (PARTITION BY scenario, policy, op ORDER BY p99_us) AS r99,
	       COUNT(*) OVER (PARTITION BY scenario, policy, op) AS n
	FROM lat
)
SELECT scenario, policy, op, COUNT(*) AS runs, SUM(count) AS ops,
       round(SUM(count * mean_us) / SUM(count), 3) AS mean_us,
       round(AVG(CASE WHEN r50 IN ((n + 1) / 2, (n + 2) / 2) THEN p50_us END), 3)
	       AS median_p50_us,
       round(AVG(CASE WHEN r99 IN ((n + 1) / 2, (n + 2) / 2) THEN p99_us END), 3)
	       AS median_p99_us,
       round(MAX(p99_us), 3) AS max_p99_us,
       round(MAX(max_us), 3) AS max_us
FROM ranked
GROUP BY scenario, policy, op
ORDER BY scenario, policy, op;
