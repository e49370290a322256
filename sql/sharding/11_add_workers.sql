-- Phase 2, step 2: register the workers the tables are distributed onto: every worker but the last,
-- which stays unregistered until Phase 3 adds it.
-- The addresses are the ones the coordinator reaches the workers by (CITUS_WORKERS or
-- CITUS_WORKERn_ADDR), as one comma-separated list of host:port, registered in that order:
--   psql -v workers=127.0.0.1:9701,127.0.0.1:9702 -f this file

SELECT citus_add_node(btrim(substring(entry FROM '^(.*):[0-9]+$'), '[]'), substring(entry FROM ':([0-9]+)$')::int) AS node_id
FROM unnest(string_to_array(:'workers', ',')) WITH ORDINALITY AS listed(entry, position)
ORDER BY position;

-- result: active_workers
SELECT node_name, node_port FROM citus_get_active_worker_nodes() ORDER BY node_name, node_port;
