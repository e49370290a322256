-- Phase 4: turn every table back into a plain PostgreSQL table on the coordinator.
--
-- undistribute_table refuses a table with foreign keys to or from other Citus tables unless
-- cascade_via_foreign_keys is true; then it converts the whole foreign-key-connected group in one
-- call: orders, order_items (references orders) and regions (referenced by orders); users was
-- never a Citus table. The data is copied back to the coordinator
-- and the tables are recreated there.

SELECT undistribute_table('orders', cascade_via_foreign_keys => true);

-- regions is normally converted by the cascade above; when it is still a Citus table (for example
-- after its foreign keys were dropped), undistribute it on its own.
SELECT undistribute_table('regions', cascade_via_foreign_keys => true)
FROM citus_tables
WHERE table_name = 'regions'::regclass;

-- Verify: nothing is left in Citus's metadata.
-- result: citus_tables_left
SELECT count(*) AS citus_tables FROM citus_tables;
-- result: partitions_left
SELECT count(*) AS distributed_relations FROM pg_dist_partition;
-- result: shards_left
SELECT count(*) AS shards FROM pg_dist_shard;
