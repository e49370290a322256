-- Phase 2, step 2: register the first two workers.
-- The addresses are the ones the coordinator reaches the workers by (CITUS_WORKERn_ADDR):
--   psql -v worker1_host=... -v worker1_port=... -v worker2_host=... -v worker2_port=... -f this file
-- Worker 3 stays unregistered until Phase 3.

SELECT citus_add_node(:'worker1_host', :'worker1_port'::int);
SELECT citus_add_node(:'worker2_host', :'worker2_port'::int);

-- result: active_workers
SELECT node_name, node_port FROM citus_get_active_worker_nodes() ORDER BY node_name, node_port;
