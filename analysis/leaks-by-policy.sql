-- usage: sqlite3 -readonly -header -column data/results.db < analysis/leaks-by-policy.sql
--
-- Leaked delalloc reservations per policy combination (runs with status ok): runs whose
-- eviction canary fired (leaked_delalloc_blocks > 0), the blocks leaked in all (sum,
-- mean, max), and runs whose unmount canary fired (delalloc_at_unmount > 0).
-- Policy combinations as in loss-by-policy.sql: the scenario plus every param that
-- varies in the database except global.seed.
WITH
varying(name) AS (
	SELECT name FROM param
	WHERE name <> 'global.seed' AND value IS NOT NULL
	  AND run_id IN (SELECT run_id FROM run WHERE status = 'ok')
	GROUP BY name
	HAVING COUNT(DISTINCT CAST(value AS TEXT)) > 1
	    OR COUNT(DISTINCT run_id) < (SELECT COUNT(*) FROM run WHERE status = 'ok')
),
policy(run_id, policy) AS (
	SELECT run_id, group_concat(kv, ' ') FROM (
		SELECT p.run_id,
		       CASE WHEN p.name LIKE 'global.%' THEN substr(p.name, 8) ELSE p.name END
		       || '=' || CAST(p.value AS TEXT) AS kv
		FROM param p JOIN varying v ON v.name = p.name
		WHERE p.value IS NOT NULL
		ORDER BY p.run_id,
			 CASE p.name WHEN 'global.kernel' THEN 1 WHEN 'global.punch' THEN 2
				     WHEN 'global.fault_end' THEN 3 WHEN 'global.validity' THEN 4
				     WHEN 'global.dirty_tracking' THEN 5
				     WHEN 'global.write_lock' THEN 6
				     WHEN 'global.fault_lock' THEN 7 ELSE 8 END,
			 p.name)
	GROUP BY run_id
)
SELECT r.scenario, COALESCE(k.policy, 'all') AS policy,
       COUNT(*) AS runs,
       SUM(leak.value > 0) AS leak_runs,
       SUM(leak.value) AS leaked_blocks,
       round(AVG(leak.value), 2) AS mean_leaked_blocks,
       MAX(leak.value) AS max_leaked_blocks,
       SUM(unmount.value > 0) AS unmount_leak_runs
FROM run r
JOIN metric leak ON leak.run_id = r.run_id AND leak.name = 'leaked_delalloc_blocks'
LEFT JOIN metric unmount ON unmount.run_id = r.run_id AND unmount.name = 'delalloc_at_unmount'
LEFT JOIN policy k ON k.run_id = r.run_id
WHERE r.status = 'ok'
GROUP BY r.scenario, COALESCE(k.policy, 'all')
ORDER BY r.scenario, policy;
