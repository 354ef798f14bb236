-- usage: sqlite3 -readonly -header -column -cmd ".parameter set :param global.kernel" -cmd ".parameter set :a 6.1" -cmd ".parameter set :b 6.2" data/results.db < analysis/policy-a-vs-b.sql
--
-- Policy A against policy B on the same seeds: runs (status ok) whose param :param is
-- :a are paired with runs whose :param is :b and that have the same scenario, the same
-- seed and the same value of every other param that varies in the database (the view
-- varying_param, see loss-by-policy.sql). Per set of shared values ("same"): pairs,
-- loss in both / A only / B only / neither (McNemar's b and c are lost_a_only and
-- lost_b_only; `wpsim report` gives the p), and write_lat_p99_us of A and B with the
-- mean difference B - A.
--
-- Parameters (.parameter set; values are compared as text, so 6.1 and '6.1' both work):
--   :param   the param that differs, as section.key (global.kernel, global.punch, ...)
--   :a, :b   its two values
--   :ignore  params allowed to differ as well, space-separated. Default: for
--            global.kernel, the knobs its preset sets (global.punch global.fault_end
--            global.validity global.dirty_tracking), else none. When one of those is
--            swept on its own, set :ignore to the others (or to '' to ignore none).
-- A seed run more than once per side gives one pair per combination of its runs.
WITH RECURSIVE
ignore_list(name, rest) AS (
	SELECT '', trim(COALESCE(:ignore,
		CASE WHEN :param = 'global.kernel'
		     THEN 'global.punch global.fault_end global.validity global.dirty_tracking'
		     ELSE '' END)) || ' '
	UNION ALL
	SELECT substr(rest, 1, instr(rest, ' ') - 1), ltrim(substr(rest, instr(rest, ' ') + 1))
	FROM ignore_list WHERE rest <> ''
),
side(run_id, side) AS (
	SELECT run_id, CASE WHEN CAST(value AS TEXT) = CAST(:a AS TEXT) THEN 'A' ELSE 'B' END
	FROM param
	WHERE name = :param AND CAST(value AS TEXT) IN (CAST(:a AS TEXT), CAST(:b AS TEXT))
),
shared(run_id, same) AS (
	SELECT run_id, group_concat(kv, ' ') FROM (
		SELECT p.run_id,
		       CASE WHEN p.name LIKE 'global.%' THEN substr(p.name, 8) ELSE p.name END
		       || '=' || CAST(p.value AS TEXT) AS kv
		FROM param p
		JOIN side s ON s.run_id = p.run_id
		JOIN varying_param v ON v.name = p.name
		WHERE p.name <> :param AND p.value IS NOT NULL
		  AND p.name NOT IN (SELECT name FROM ignore_list)
		ORDER BY p.run_id, p.name)
	GROUP BY run_id
),
runs AS (
	SELECT r.run_id, r.scenario, r.seed, s.side, COALESCE(c.same, '') AS same,
	       lost.value AS lost, p99.value AS p99
	FROM run r
	JOIN side s ON s.run_id = r.run_id
	LEFT JOIN shared c ON c.run_id = r.run_id
	LEFT JOIN metric lost ON lost.run_id = r.run_id AND lost.name = 'lost_bytes'
	LEFT JOIN metric p99 ON p99.run_id = r.run_id AND p99.name = 'write_lat_p99_us'
	WHERE r.status = 'ok'
),
pairs AS (
	SELECT a.scenario, a.same, a.seed, a.lost AS la, b.lost AS lb, a.p99 AS pa, b.p99 AS pb
	FROM runs a
	JOIN runs b ON b.side = 'B' AND b.scenario IS a.scenario AND b.same = a.same
		   AND b.seed = a.seed
	WHERE a.side = 'A'
)
SELECT scenario, same, COUNT(*) AS pairs,
       SUM(la > 0 AND lb > 0) AS lost_both,
       SUM(la > 0 AND NOT lb > 0) AS lost_a_only,
       SUM(lb > 0 AND NOT la > 0) AS lost_b_only,
       SUM(NOT la > 0 AND NOT lb > 0) AS lost_neither,
       round(AVG(pa), 2) AS mean_p99_a_us,
       round(AVG(pb), 2) AS mean_p99_b_us,
       round(AVG(pb - pa), 2) AS mean_diff_us,
       SUM(pb > pa) AS b_slower
FROM pairs
GROUP BY scenario, same
ORDER BY scenario, same;
