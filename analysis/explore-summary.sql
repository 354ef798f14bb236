-- usage: sqlite3 -readonly data/explore.db < analysis/explore-summary.sql
-- The closing summary of `make run`'s exploration (wpsim explore --compare): per
-- scenario, file size (the instance explored), strategy and kernel preset, the schedules explored (each run once under
-- every preset; the minimal schedules shrunk from a failing one left out), how many of
-- them lost data, leaked delalloc or broke an invariant, and the shortest schedule
-- that lost data there after shrinking (empty where none did).
.mode column --wrap 0
.headers on
SELECT r.scenario AS scenario,
       fs.value AS file_size,
       s.strategy AS strategy,
       k.value AS kernel,
       COUNT(DISTINCT CASE WHEN s.minimal_of IS NULL THEN s.schedule_id END) AS schedules,
       COUNT(DISTINCT CASE WHEN s.minimal_of IS NULL AND lb.value > 0
                           THEN s.schedule_id END) AS lose_data,
       COUNT(DISTINCT CASE WHEN s.minimal_of IS NULL AND lk.value > 0
                           THEN s.schedule_id END) AS leak,
       COUNT(DISTINCT CASE WHEN s.minimal_of IS NULL AND iv.value > 0
                           THEN s.schedule_id END) AS invariant_broken,
       MIN(CASE WHEN s.minimal_of IS NOT NULL AND lb.value > 0 THEN s.spec END)
           AS minimal_losing_schedule
FROM run r
JOIN run_schedule rs ON rs.run_id = r.run_id
JOIN schedule s ON s.schedule_id = rs.schedule_id
JOIN param k ON k.run_id = r.run_id AND k.name = 'global.kernel'
LEFT JOIN param fs ON fs.run_id = r.run_id AND fs.name = 'global.file_size'
LEFT JOIN metric lb ON lb.run_id = r.run_id AND lb.name = 'lost_bytes'
LEFT JOIN metric lk ON lk.run_id = r.run_id AND lk.name = 'leaked_delalloc_blocks'
LEFT JOIN metric iv ON iv.run_id = r.run_id AND iv.name = 'invariant_violations'
WHERE r.status = 'ok'
GROUP BY r.scenario, fs.value, s.strategy, k.value
ORDER BY r.scenario, fs.value, s.strategy,
         CAST(k.value AS INTEGER), CAST(substr(k.value, instr(k.value, '.') + 1) AS INTEGER), k.value;
