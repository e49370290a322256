-- Phase 3, step 4: move every shard off one worker, then remove it.
--   psql -v drain_host=... -v drain_port=... -f this file
-- Progress: get_rebalance_progress() from another session while citus_drain_node runs.

SELECT citus_drain_node(:'drain_host', :'drain_port'::int, shard_transfer_mode => 'force_logical',
                        rebalance_strategy => 'by_shard_count');

-- Removing a node right after a drain can leave pg_dist_cleanup records for it that cleanup then
-- never clears: clean up first, while the node is still known.
CALL citus_cleanup_orphaned_resources();

SELECT citus_remove_node(:'drain_host', :'drain_port'::int);

-- result: workers
SELECT nodename, nodeport, isactive, shouldhaveshards
FROM pg_dist_node
WHERE noderole = 'primary' AND groupid <> 0
ORDER BY nodeid;
