-- One tenant's orders: a filter on the distribution column, so Citus routes the query to the one
-- shard that holds the tenant (router execution, one task).
--   psql -v tenant_id=<a user id> -f this file

-- result: tenant_orders
SELECT id, user_id, region, product_id, quantity, amount, status, created_at
FROM orders
WHERE user_id = :tenant_id
ORDER BY id;

-- result: tenant_plan
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, amount, status FROM orders WHERE user_id = :tenant_id;
