-- Aggregates over every tenant: each shard computes a partial aggregate (one task per shard) and
-- the coordinator combines them.

-- result: orders_by_status
SELECT status, count(*) AS orders, sum(amount) AS revenue
FROM orders
GROUP BY status
ORDER BY status;

-- result: order_totals
SELECT count(*) AS orders, count(DISTINCT user_id) AS customers, sum(amount) AS revenue,
       min(created_at) AS first_order, max(created_at) AS last_order
FROM orders;

-- result: status_plan
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT status, count(*), sum(amount) FROM orders GROUP BY status;
