-- Phase 3, step 1: register the worker kept back in Phase 2 (the last one configured).
--   psql -v new_worker_host=... -v new_worker_port=... -f this file
-- citus_add_node does not copy the reference tables to it; the rebalance does, as its first task.

SELECT citus_add_node(:'new_worker_host', :'new_worker_port'::int);

-- result: workers
SELECT nodename, nodeport, isactive, shouldhaveshards
FROM pg_dist_node
WHERE noderole = 'primary' AND groupid <> 0
ORDER BY nodeid;
