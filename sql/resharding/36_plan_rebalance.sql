-- Dry run of 31_rebalance_shards.sql: the moves the rebalancer would make, in the order it would
-- make them, with each shard's size (the plan's own shard_size is a cost, 0 under by_shard_count; the real size
-- comes from citus_shards). Changes nothing.
--   psql -f this file        (citus-verify reshard rebalance --dry-run)
-- The strategy must be 31's (by_shard_count), or this plans other moves than 31 makes.

-- result: planned_moves
SELECT p.table_name::text AS table_name, p.shardid, s.shard_size, p.sourcename, p.sourceport, p.targetname, p.targetport
FROM get_rebalance_table_shards_plan(rebalance_strategy := 'by_shard_count') WITH ORDINALITY AS p
JOIN citus_shards s ON s.shardid = p.shardid AND s.nodename = p.sourcename AND s.nodeport = p.sourceport
ORDER BY p.ordinality;
