-- Aggregates over every tenant: each shard computes a partial aggregate (one task per shard) and
-- the coordinator combines them.

SELECT status, count(*) AS orders, sum(amount) AS revenue
FROM orders
GROUP BY status
ORDER BY status;

SELECT count(*) AS orders, count(DISTINCT user_id) AS customers, sum(amount) AS revenue,
       min(created_at) AS first_order, max(created_at) AS last_order
FROM orders;

EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT status, count(*), sum(amount) FROM orders GROUP BY status;
