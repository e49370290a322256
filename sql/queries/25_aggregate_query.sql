-- Two kinds of aggregate, and where Citus computes them.

-- Grouped by the distribution column: every group lives in one shard, so each shard computes its
-- groups completely and the coordinator only merges and sorts (full pushdown).
-- result: top_tenants_by_revenue
SELECT user_id, count(*) AS orders, sum(amount) AS revenue
FROM orders
GROUP BY user_id
ORDER BY revenue DESC, user_id
LIMIT 10;

-- Grouped by another column: each shard computes partial aggregates, the coordinator combines
-- them (two-stage aggregation); avg is sent to the shards as sum and count.
-- result: orders_by_region
SELECT region, count(*) AS orders, round(avg(amount), 2) AS average_order, max(amount) AS largest_order
FROM orders
GROUP BY region
ORDER BY region;
