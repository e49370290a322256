-- Phase 3, step 3: give the heaviest tenant a shard of its own.

-- The tenant with the most orders (lowest id on a tie), found by query, unless the session names
-- one in the setting citus_verify.tenant_id (psql: PGOPTIONS='-c citus_verify.tenant_id=42').
-- The setting is read into a local temp table first: a condition on current_setting() inside the
-- query on orders would be evaluated on the workers, where the session's setting does not exist.
CREATE TEMP TABLE wanted_tenant AS
SELECT nullif(current_setting('citus_verify.tenant_id', true), '')::bigint AS user_id;

CREATE TEMP TABLE heavy_tenant AS
SELECT user_id, count(*) AS orders
FROM orders
WHERE user_id = coalesce((SELECT user_id FROM wanted_tenant), user_id)
GROUP BY user_id
ORDER BY count(*) DESC, user_id
LIMIT 1;

-- A tenant with no orders is refused here: isolate_tenant_to_new_shard is strict, and given no
-- tenant it returns NULL without splitting anything.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM heavy_tenant) THEN
        RAISE EXCEPTION '%', coalesce('tenant ' || (SELECT user_id FROM wanted_tenant) || ' has no orders',
                                      'orders has no rows') || ': nothing to isolate';
    END IF;
END
$$;

-- Its shard before.
-- result: tenant_before
SELECT user_id, orders, get_shard_id_for_distribution_column('orders', user_id) AS shard_before
FROM heavy_tenant;

-- Split that shard so the tenant's hash value gets a shard of its own; CASCADE takes the colocated
-- order_items along. Non-blocking (logical replication): writes continue during the split.
SELECT isolate_tenant_to_new_shard('orders', (SELECT user_id FROM heavy_tenant), 'CASCADE',
                                   shard_transfer_mode => 'force_logical');

-- Verify: the new shard's hash range holds exactly the tenant's hash value.
-- result: tenant_after
SELECT t.user_id, s.shardid AS shard_after, s.shardminvalue, s.shardmaxvalue,
       worker_hash(t.user_id) AS tenant_hash
FROM heavy_tenant t
JOIN pg_dist_shard s ON s.shardid = get_shard_id_for_distribution_column('orders', t.user_id);

CALL citus_cleanup_orphaned_resources();

DROP TABLE heavy_tenant, wanted_tenant;
