-- Dry run of 33_drain_worker.sql: the moves citus_drain_node would make to empty one worker, with
-- each shard's size (the plan's own shard_size is a cost, 0 under by_shard_count; the real size
-- comes from citus_shards). Changes nothing.
--   psql -v drain_host=... -v drain_port=... -f this file   (citus-verify reshard drain --dry-run)
-- citus_drain_node first marks the node shouldhaveshards = false, then plans with drain_only and
-- the default strategy; this does the same inside a transaction that is rolled back, so the mark
-- (on the coordinator and, through Citus's metadata sync, on the workers) never takes effect.
-- citus_drain_node plans with an improvement threshold of 0 (Citus 13.2's shard_rebalancer.c leaves
-- it unset), where the plan function defaults to the strategy's: with the default, this plans other
-- targets than the drain then uses.

BEGIN;

SELECT citus_set_node_property(:'drain_host', :'drain_port'::int, 'shouldhaveshards', false);

-- result: planned_moves
SELECT p.table_name::text AS table_name, p.shardid, s.shard_size, p.sourcename, p.sourceport, p.targetname, p.targetport
FROM get_rebalance_table_shards_plan(drain_only := true, rebalance_strategy := 'by_shard_count', improvement_threshold := 0) WITH ORDINALITY AS p
JOIN citus_shards s ON s.shardid = p.shardid AND s.nodename = p.sourcename AND s.nodeport = p.sourceport
ORDER BY p.ordinality;

ROLLBACK;
