-- Move one shard group (a shard and the shards colocated with it) to another worker, online
-- (logical replication: writes go on during the copy). The lifecycle does not need it, since the
-- rebalance and the drain choose their moves themselves; the fault tests use it to stop a node in
-- the middle of a move they control.
--   psql -v shard_id=<a shard of orders> -v target_host=... -v target_port=... -f this file

-- The target needs its copy of every reference table before it can take a shard that refers to
-- one (citus_add_node does not make it; a rebalance does it as its first task).
SELECT replicate_reference_tables(shard_transfer_mode => 'force_logical');

SELECT citus_move_shard_placement(:shard_id, nodename, nodeport, :'target_host', :'target_port'::int,
                                  shard_transfer_mode => 'force_logical')
FROM citus_shards
WHERE shardid = :shard_id;

-- The source placement is left for Citus's deferred cleanup; do it now.
CALL citus_cleanup_orphaned_resources();

-- result: placement_after
SELECT shardid, nodename, nodeport FROM citus_shards WHERE shardid = :shard_id;
