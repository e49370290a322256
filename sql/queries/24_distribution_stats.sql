-- How the data is spread (Citus only).

-- Shards per worker.
-- result: shards_per_worker
SELECT nodename, nodeport, count(*) AS shards, pg_size_pretty(sum(shard_size)) AS size
FROM citus_shards
WHERE citus_table_type = 'distributed'
GROUP BY nodename, nodeport
ORDER BY nodename, nodeport;

-- Rows per shard of orders.
-- result: rows_per_shard
SELECT shardid, result::bigint AS rows
FROM run_command_on_shards('orders', 'SELECT count(*) FROM %s')
ORDER BY shardid;

-- Shard sizes, largest first.
-- result: largest_shards
SELECT table_name::text, shardid, nodename, nodeport, pg_size_pretty(shard_size) AS size
FROM citus_shards
ORDER BY shard_size DESC, shardid
LIMIT 10;
