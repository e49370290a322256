-- Phase 3, step 1: register the worker kept back in Phase 2 (the last one configured).
--   psql -v new_worker_host=... -v new_worker_port=... -f this file

SELECT citus_add_node(:'new_worker_host', :'new_worker_port'::int);

-- citus_add_node does not copy the reference tables (regions) to it; a rebalance would, as its
-- first task, online (a whole logical replication set-up, even for ten rows). Copied here instead,
-- holding writes to regions for the copy's moment: only an operator writes regions, and it is
-- small. A large reference table that applications write would take 'force_logical' here.
SELECT replicate_reference_tables(shard_transfer_mode => 'block_writes');

-- result: workers
SELECT nodename, nodeport, isactive, shouldhaveshards
FROM pg_dist_node
WHERE noderole = 'primary' AND groupid <> 0
ORDER BY nodeid;
