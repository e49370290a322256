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

-- citus_rebalance_start runs the moves as a background job, in the background task executors
-- (citus.max_background_task_executors_per_node of them per node), and returns at once where
-- rebalance_table_shards() would hold the session until the last move. Moves of one colocation
-- group (all of this suite's tables) still run one after another: each waits for the one before
-- it unless Citus 13.2's parallel_transfer_colocated_shards is set, which this file leaves off.
-- The moves stay online (logical replication, force_logical).
-- citus_rebalance_wait() returns quietly even when the job failed, so this waits on the job's
-- moves and demands that each is done (below).
-- A rebalance job still running (from an earlier run whose connection was lost: the job outlives
-- it) is waited for first, since citus_rebalance_start refuses to start a second one.
SELECT citus_job_wait(job_id, desired_status => 'finished')
FROM pg_dist_background_job
WHERE job_type = 'rebalance' AND state IN ('scheduled', 'running', 'cancelling', 'failing');

-- The job this file starts is kept by its id: citus_rebalance_start returns NULL (with a NOTICE)
-- when there is nothing to move, and waiting on "the latest rebalance job" would then wait on an
-- old one and report its state.
CREATE TEMP TABLE rebalance_job AS
SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count', shard_transfer_mode := 'force_logical') AS job_id;

-- Waits on each of the job's moves, demanding that it is done: a move cancelled, failed for good
-- (Citus retries a failed move, with growing pauses, for about half an hour) or left unable to run
-- (one before it failed) is an error here. The job is finished when its last move is done (Citus
-- records both at once). citus_task_wait looks every 0.1 s, where citus_job_wait looks every second.
SELECT citus_task_wait(t.task_id, desired_status => 'done')
FROM rebalance_job r JOIN pg_dist_background_task t ON t.job_id = r.job_id;

-- Monitor: this job's final state, or 'nothing to move' (get_rebalance_progress() shows each
-- move while it runs).
-- result: job_state
SELECT coalesce(j.state::text, 'nothing to move') AS state, r.job_id
FROM rebalance_job r LEFT JOIN pg_dist_background_job j ON j.job_id = r.job_id;

DROP TABLE rebalance_job;

-- Shard moves leave the source placements for Citus's deferred cleanup; do it now.
CALL citus_cleanup_orphaned_resources();
