-- How Citus executes queries, read from EXPLAIN ANALYZE.
--   psql -v tenant_id=<a user id> -f this file

-- Router execution: one tenant, "Task Count: 1", and the node that holds its shard.
-- result: router_plan
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*), sum(amount) FROM orders WHERE user_id = :tenant_id;

-- Adaptive executor over all shards: "Task Count" equals the shard count.
-- result: all_shards_plan
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT region, count(*) FROM orders GROUP BY region;

-- A colocated join, pushed down: one task per shard pair, no repartitioning.
-- result: colocated_join_plan
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM orders o JOIN order_items i ON i.user_id = o.user_id AND i.order_id = o.id;
