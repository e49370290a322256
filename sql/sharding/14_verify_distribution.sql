-- Phase 2, step 5: what Citus now knows about the tables.

-- How each table is distributed: 'h' = hash on a column, 'n' = none (reference / citus local).
-- result: partitions
SELECT logicalrelid::text AS table_name, partmethod, column_to_column_name(logicalrelid, partkey) AS distribution_column,
       colocationid, repmodel
FROM pg_dist_partition
ORDER BY logicalrelid::text;

-- Where every shard lives.
-- result: placements
SELECT table_name::text, shardid, nodename, nodeport, shard_size
FROM citus_shards
ORDER BY table_name::text, shardid, nodename, nodeport;

-- Shards per worker, per table.
-- result: shards_per_worker_table
SELECT nodename, nodeport, table_name::text, count(*) AS shards
FROM citus_shards
GROUP BY nodename, nodeport, table_name
ORDER BY nodename, nodeport, table_name::text;
