-- Dry run of 33_drain_worker.sql: the moves citus_drain_node would make to empty one worker, with
-- each shard's size (the plan's own shard_size is a cost, 0 under by_shard_count; the real size
-- comes from citus_shards). Changes nothing.
--   psql -v drain_host=... -v drain_port=... -f this file   (citus-verify reshard drain --dry-run)
-- citus_drain_node first marks the node shouldhaveshards = false, then plans with drain_only and
-- the strategy it is given; this does the same inside a transaction that is rolled back, so the
-- mark (on the coordinator and, through Citus's metadata sync, on the workers) never takes effect.
-- citus_drain_node plans with the drained node's placements alone (Citus's shard_rebalancer.c
-- filters the placements by the node): each goes to the remaining node holding the fewest of
-- those moved so far, whatever the nodes hold already. The plan function counts every placement
-- unless told otherwise, so it weighs what each node holds and names other targets. Leaving out
-- every shard with no placement on the drained node gives it the drain's placements alone (one
-- placement per shard: this suite's shard replication factor of 1). The thresholds (threshold,
-- improvement_threshold) only steer balancing moves, which a drain-only plan never makes, so
-- none is given.

BEGIN;

SELECT citus_set_node_property(:'drain_host', :'drain_port'::int, 'shouldhaveshards', false);

-- result: planned_moves
SELECT p.table_name::text AS table_name, p.shardid, s.shard_size, p.sourcename, p.sourceport, p.targetname, p.targetport
FROM get_rebalance_table_shards_plan(
         excluded_shard_list := (SELECT coalesce(array_agg(DISTINCT shardid), '{}') FROM pg_dist_placement
                                 WHERE shardid NOT IN (SELECT p.shardid FROM pg_dist_placement p
                                                       JOIN pg_dist_node n USING (groupid)
                                                       WHERE n.nodename = :'drain_host'
                                                         AND n.nodeport = :'drain_port'::int)),
         drain_only := true, rebalance_strategy := 'by_shard_count') WITH ORDINALITY AS p
JOIN citus_shards s ON s.shardid = p.shardid AND s.nodename = p.sourcename AND s.nodeport = p.sourceport
ORDER BY p.ordinality;

ROLLBACK;
