-- usage: sqlite3 -readonly -header -column -cmd ".parameter set :a 6.1" -cmd ".parameter set :b 6.13" data/results.db < analysis/schedules-fail-a-not-b.sql
--
-- Which schedules lose data under policy A and not under policy B (wpsim explore
-- --compare): the schedules followed by runs (status ok) whose param :param is :a and
-- by runs of the same scenario whose :param is :b, with lost_bytes > 0 in some run
-- under A and in no run under B. One join of run_schedule with itself on schedule_id,
-- through param (the side) and metric (the loss). A schedule run under only one of A
-- and B is not listed: "not under B" means run under B without loss. Runs that did not
-- end ok are left out on both sides (their metrics, if any, say nothing).
--
-- Parameters (.parameter set; values are compared as text, so 6.1 and '6.1' both work):
--   :a, :b   the two values
--   :param   the param that differs, as section.key; default global.kernel
-- Columns: the schedule, its strategy, the schedule it was shrunk from (minimal_of,
-- empty if none), then per side the runs and, under A, the runs that lost data.
SELECT s.schedule_id, a.scenario, s.strategy, s.spec, s.minimal_of,
       COUNT(DISTINCT ra.run_id) AS runs_a,
       COUNT(DISTINCT CASE WHEN la.value > 0 THEN ra.run_id END) AS lost_runs_a,
       COUNT(DISTINCT rb.run_id) AS runs_b
FROM run_schedule ra
JOIN run_schedule rb ON rb.schedule_id = ra.schedule_id
JOIN run a ON a.run_id = ra.run_id AND a.status = 'ok'
JOIN run b ON b.run_id = rb.run_id AND b.status = 'ok' AND b.scenario = a.scenario
JOIN param pa ON pa.run_id = ra.run_id AND pa.name = COALESCE(:param, 'global.kernel')
	AND CAST(pa.value AS TEXT) = CAST(:a AS TEXT)
JOIN param pb ON pb.run_id = rb.run_id AND pb.name = pa.name
	AND CAST(pb.value AS TEXT) = CAST(:b AS TEXT)
LEFT JOIN metric la ON la.run_id = ra.run_id AND la.name = 'lost_bytes'
LEFT JOIN metric lb ON lb.run_id = rb.run_id AND lb.name = 'lost_bytes'
JOIN schedule s ON s.schedule_id = ra.schedule_id
GROUP BY s.schedule_id, a.scenario
HAVING MAX(COALESCE(la.value, 0) > 0) = 1 AND MAX(COALESCE(lb.value, 0) > 0) = 0
ORDER BY s.schedule_id, a.scenario;
