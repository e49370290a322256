-- Phase 3, step 1: register the third worker.
--   psql -v worker3_host=... -v worker3_port=... -f this file
-- citus_add_node does not copy the reference tables to it; the rebalance does, as its first task.

SELECT citus_add_node(:'worker3_host', :'worker3_port'::int);

-- result: workers
SELECT nodename, nodeport, isactive, shouldhaveshards
FROM pg_dist_node
WHERE noderole = 'primary' AND groupid <> 0
ORDER BY nodeid;
