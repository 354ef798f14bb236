-- usage: sqlite3 -readonly -header -column data/results.db < analysis/leaks-by-policy.sql
--
-- Leaked delalloc reservations per policy combination (runs with status ok): runs whose
-- eviction canary fired (leaked_delalloc_blocks > 0), the blocks leaked in all (sum,
-- mean, max), and runs whose unmount canary fired (delalloc_at_unmount > 0).
-- Policy combinations as in loss-by-policy.sql: the scenario plus the view run_policy,
-- every param that varies in the database except global.seed.
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
LEFT JOIN run_policy k ON k.run_id = r.run_id
WHERE r.status = 'ok'
GROUP BY r.scenario, COALESCE(k.policy, 'all')
ORDER BY r.scenario, policy;
