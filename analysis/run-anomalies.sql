-- usage: sqlite3 -readonly -header -column -cmd ".parameter set :run_id 42" data/results.db < analysis/run-anomalies.sql
--
-- One run's anomalies (each loss, leak and invariant violation) in simulated-time
-- order, with the run's scenario and seed. Ties in time keep offset, then kind order.
SELECT a.run_id, r.scenario, r.seed, a.sim_time_s, a.kind, a."offset", a.length, a.detail
FROM anomaly a
JOIN run r ON r.run_id = a.run_id
WHERE a.run_id = :run_id
ORDER BY a.sim_time_s, a."offset", a.kind;
