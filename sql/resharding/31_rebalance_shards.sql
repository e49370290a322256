-- Phase 3, step 2: spread the shards over all three workers.

-- Where the shards are before.
-- result: shards_before
SELECT nodename, nodeport, count(*) AS shards
FROM citus_shards
WHERE table_name = 'orders'::regclass
GROUP BY nodename, nodeport
ORDER BY nodename, nodeport;

-- What the rebalancer plans to move. by_shard_count balances the number of shard groups per node,
-- an outcome that can be checked exactly (the default, by_disk_size, depends on sizes).
-- result: planned_moves
SELECT table_name::text, shardid, sourcename, sourceport, targetname, targetport
FROM get_rebalance_table_shards_plan(rebalance_strategy := 'by_shard_count');

-- citus_rebalance_start runs the moves as a background job, several at a time (bounded by
-- citus.max_background_task_executors_per_node), where rebalance_table_shards() would move one
-- shard group after another. The moves stay online (logical replication, force_logical).
-- citus_rebalance_wait() returns quietly even when the job failed, so this waits on the job and
-- demands that it finished: a failed job is an error here.
-- A rebalance job still running (from an earlier run whose connection was lost: the job outlives
-- it) is waited for first, since citus_rebalance_start refuses to start a second one.
SELECT citus_job_wait(job_id, desired_status => 'finished')
FROM pg_dist_background_job
WHERE job_type = 'rebalance' AND state IN ('scheduled', 'running', 'cancelling', 'failing');

SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count', shard_transfer_mode := 'force_logical');

SELECT citus_job_wait((SELECT max(job_id) FROM pg_dist_background_job WHERE job_type = 'rebalance'),
                      desired_status => 'finished');

-- Monitor: the job's final state (get_rebalance_progress() shows each move while it runs).
-- result: job_state
SELECT state, details -> 'tasks' AS tasks
FROM citus_rebalance_status();

-- Shard moves leave the source placements for Citus's deferred cleanup; do it now.
CALL citus_cleanup_orphaned_resources();
