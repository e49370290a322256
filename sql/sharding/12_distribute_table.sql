-- Phase 2, step 3: distribute orders and order_items by user_id, colocated.
--
-- Order of operations, and why it differs slightly from the seed's:
-- orders.region references regions. A distributed table may reference a reference table, but
-- regions is still a plain table here, and making it a reference table first would turn every
-- local table that references it (users, orders and, through orders, order_items) into a "citus
-- local" table, after which order_items can no longer be distributed colocated with orders
-- ("foreign keys from reference tables and local tables to distributed tables are not
-- supported"). So the orders -> regions foreign key is set aside for this step and restored in
-- 13_create_reference_table.sql, once regions is a reference table.

BEGIN;
-- Distributing tables on a foreign-key chain in one transaction: sequential mode avoids
-- "cannot execute parallel DDL ... after DDL command on reference table".
SET LOCAL citus.multi_shard_modify_mode = 'sequential';

ALTER TABLE orders DROP CONSTRAINT orders_region_fkey;

SELECT create_distributed_table('orders', 'user_id');
SELECT create_distributed_table('order_items', 'user_id', colocate_with => 'orders');
COMMIT;

-- create_distributed_table copies the rows to the shards and leaves the originals, invisible, in
-- the coordinator's shell tables; Citus's advice is to remove them.
SELECT truncate_local_data_after_distributing_table($$public.order_items$$);
SELECT truncate_local_data_after_distributing_table($$public.orders$$);
