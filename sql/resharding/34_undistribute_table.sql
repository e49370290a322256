-- Phase 4: turn every table back into a plain PostgreSQL table on the coordinator.
--
-- undistribute_table refuses a table with foreign keys to or from other Citus tables unless
-- cascade_via_foreign_keys is true; then it converts the whole foreign-key-connected group in one
-- call: orders, order_items (references orders), regions (referenced by orders) and users (a
-- citus local table because it references regions). The data is copied back to the coordinator
-- and the tables are recreated there.

SELECT undistribute_table('orders', cascade_via_foreign_keys => true);

-- regions is normally converted by the cascade above; when it is still a Citus table (for example
-- after its foreign keys were dropped), undistribute it on its own.
SELECT undistribute_table('regions', cascade_via_foreign_keys => true)
FROM citus_tables
WHERE table_name = 'regions'::regclass;

-- Verify: nothing is left in Citus's metadata.
SELECT count(*) AS citus_tables FROM citus_tables;
SELECT count(*) AS distributed_relations FROM pg_dist_partition;
SELECT count(*) AS shards FROM pg_dist_shard;
