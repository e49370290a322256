-- Three kinds of join.

-- Reference-table join: every node has all of regions, so each shard joins locally.
-- result: revenue_by_region
SELECT r.code, r.currency, count(*) AS orders, sum(o.amount) AS revenue
FROM orders o
JOIN regions r ON r.code = o.region
GROUP BY r.code, r.currency
ORDER BY r.code;

-- Colocated join: orders and order_items of one user_id live in shards on the same node, so the
-- join on user_id is pushed down to the shards.
-- result: items_by_status
SELECT o.status, count(DISTINCT o.id) AS orders, count(*) AS items, sum(i.quantity * i.unit_price) AS item_total
FROM orders o
JOIN order_items i ON i.user_id = o.user_id AND i.order_id = o.id
GROUP BY o.status
ORDER BY o.status;

-- Cross-shard join: order_id alone is not the distribution column, so the rows must be
-- repartitioned between nodes; Citus refuses that unless repartition joins are enabled.
SET citus.enable_repartition_joins = on;

-- result: order_item_pairs
SELECT count(*) AS pairs, sum(i.quantity) AS units
FROM orders o
JOIN order_items i ON i.order_id = o.id;

RESET citus.enable_repartition_joins;
