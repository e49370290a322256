-- Phase 2, step 4: regions becomes a reference table (a full copy on every node), then the
-- orders -> regions foreign key set aside in 12_distribute_table.sql comes back: a distributed
-- table may reference a reference table.
-- users keeps its foreign key to regions and stays a plain table on the coordinator, outside
-- Citus's metadata (a foreign key from a local table to a reference table is allowed there).

SELECT create_reference_table('regions');
-- Unlike orders and order_items, regions' leftover local rows cannot be truncated:
-- truncate_local_data_after_distributing_table refuses a table that a local table (users)
-- references by foreign key. They are ten rows, and invisible to queries.

ALTER TABLE orders ADD CONSTRAINT orders_region_fkey FOREIGN KEY (region) REFERENCES regions (code);
