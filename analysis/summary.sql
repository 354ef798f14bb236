-- usage: sqlite3 -readonly data/results.db < analysis/summary.sql
-- The closing summary of `make run`: per scenario and kernel/punch policy, how many
-- runs lost data and how many leaked delalloc (the eviction canary fired).
.mode column
.headers on
SELECT r.scenario AS scenario,
       k.value AS kernel,
       p.value AS punch,
       COUNT(*) AS runs,
       SUM(CASE WHEN lb.value > 0 THEN 1 ELSE 0 END) AS runs_with_loss,
       SUM(CASE WHEN lk.value > 0 THEN 1 ELSE 0 END) AS runs_with_leak
FROM run r
JOIN param k ON k.run_id = r.run_id AND k.name = 'global.kernel'
JOIN param p ON p.run_id = r.run_id AND p.name = 'global.punch'
JOIN metric lb ON lb.run_id = r.run_id AND lb.name = 'lost_bytes'
JOIN metric lk ON lk.run_id = r.run_id AND lk.name = 'leaked_delalloc_blocks'
WHERE r.status = 'ok'
GROUP BY r.scenario, k.value, p.value
ORDER BY r.scenario, k.value, p.value;
