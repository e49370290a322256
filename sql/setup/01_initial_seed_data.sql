-- Phase 1: the baseline's data: 10 regions, 1,000 users across them, 10,000 orders (20% of the
-- users placing 80% of them) with one to three items each, times a scale factor.
--
-- Deterministic: every value is a pure function of the seed, a stream number (which choice) and
-- the row number, in integer arithmetic that stays below 2^47 (pg_temp.seed_hash below). The
-- suite's Swift generator (ClusterFixtures' SeedData and SeedHash) computes the very same rows:
-- it is the oracle the tables are judged against, and the fast path (`citus-verify setup` loads the
-- same rows with COPY). random() is not used: its algorithm differs between PostgreSQL versions.
--
-- Seed and scale come from the session settings citus_verify.seed and citus_verify.scale, with the
-- suite's defaults 42 and 1:
--   psql -v ON_ERROR_STOP=1 -f this file
--   PGOPTIONS='-c citus_verify.seed=7 -c citus_verify.scale=2' psql -v ON_ERROR_STOP=1 -f this file

-- The seed (a 64-bit number, taken modulo 2^31 - 1) and the scale, checked before anything is
-- written or created: a refused run leaves the tables and the session as they were, so the file
-- can run again in the same session (psql's \i, with ON_ERROR_STOP) once the setting is mended.
DO $$
DECLARE
    given_seed numeric := coalesce(nullif(current_setting('citus_verify.seed', true), ''), '42')::numeric;
    given_scale int := coalesce(nullif(current_setting('citus_verify.scale', true), ''), '1')::int;
BEGIN
    IF given_scale < 1 OR given_seed < 0 THEN
        RAISE EXCEPTION 'citus_verify.scale must be a whole number of at least 1 and citus_verify.seed one from 0 to 2^64-1';
    END IF;
    CREATE TEMP TABLE seed_parameters AS
    SELECT (given_seed % 2147483647)::bigint AS seed, given_scale AS scale;
END
$$;

INSERT INTO regions (code, name, timezone, currency) VALUES
    ('us-east',    'US East',         'America/New_York',    'USD'),
    ('us-west',    'US West',         'America/Los_Angeles', 'USD'),
    ('ca-central', 'Canada Central',  'America/Toronto',     'CAD'),
    ('br-south',   'Brazil South',    'America/Sao_Paulo',   'BRL'),
    ('eu-west',    'Europe West',     'Europe/Dublin',       'EUR'),
    ('eu-central', 'Europe Central',  'Europe/Berlin',       'EUR'),
    ('uk-south',   'UK South',        'Europe/London',       'GBP'),
    ('ap-south',   'Asia Pacific South', 'Asia/Mumbai',      'INR'),
    ('ap-east',    'Asia Pacific East',  'Asia/Tokyo',       'JPY'),
    ('au-east',    'Australia East',  'Australia/Sydney',    'AUD');

-- Three rounds of a Park-Miller step (times 48271 modulo 2^31 - 1), each followed by an xor-shift.
CREATE FUNCTION pg_temp.seed_hash(seed bigint, stream int, n bigint) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    x bigint := (seed * 16807 + stream * 7919 + n) % 2147483647;
BEGIN
    FOR round IN 1..3 LOOP
        x := x * 48271 % 2147483647;
        x := x # (x >> 15);
    END LOOP;
    RETURN x;
END
$$;

-- Users: region, tier and sign-up time per user id (streams 40 to 42); regions in code order.
INSERT INTO users (id, email, name, region_code, tier, created_at)
SELECT u, 'user' || u || '@example.com', 'User ' || u,
       r.codes[1 + pg_temp.seed_hash(p.seed, 41, u) % array_length(r.codes, 1)],
       CASE WHEN pg_temp.seed_hash(p.seed, 40, u) % 100 < 70 THEN 'free'
            WHEN pg_temp.seed_hash(p.seed, 40, u) % 100 < 95 THEN 'pro'
            ELSE 'enterprise' END,
       to_timestamp(1735689600 - pg_temp.seed_hash(p.seed, 42, u) % 31536000)
FROM seed_parameters p,
     (SELECT array_agg(code ORDER BY code COLLATE "C") AS codes FROM regions) r,
     generate_series(1, 1000 * p.scale) AS u;

-- Items: one to three per order (stream 3), product, quantity and unit price per item (streams
-- 11-13, 21-23, 31-33), numbered in order of order and position. Each hash is computed once per
-- row (LATERAL): the function is the file's main cost at large scales.
CREATE TEMP TABLE seed_items AS
SELECT row_number() OVER (ORDER BY n, j) AS id, n AS order_id,
       'Product ' || (1 + pg_temp.seed_hash(p.seed, 10 + j, n) % 500) AS product_name,
       1 + pg_temp.seed_hash(p.seed, 20 + j, n) % 5 AS quantity,
       100 + pg_temp.seed_hash(p.seed, 30 + j, n) % 19901 AS unit_price_cents
FROM seed_parameters p, generate_series(1, 10000 * p.scale) AS n,
     LATERAL (SELECT 1 + pg_temp.seed_hash(p.seed, 3, n) % 3 AS item_count) c,
     generate_series(1, c.item_count::int) AS j;

-- Orders: the first 80% (8,000 per unit of scale) go to the heavy users (the fifth whose id is
-- congruent to the seed modulo 5, residue 0 read as 5), the rest to the others, each picked by
-- stream 1; quantity and amount are the sums over the order's items.
INSERT INTO orders (id, user_id, region, product_id, quantity, amount, status, metadata, created_at, updated_at)
SELECT o.n, o.user_id, u.region_code, 1 + pg_temp.seed_hash(o.seed, 4, o.n) % 500, i.quantity, i.cents::numeric / 100,
       (ARRAY['pending', 'paid', 'shipped', 'delivered', 'cancelled'])[1 + pg_temp.seed_hash(o.seed, 5, o.n) % 5],
       jsonb_build_object('channel', (ARRAY['web', 'mobile', 'store'])[1 + pg_temp.seed_hash(o.seed, 6, o.n) % 3],
                          'priority', pg_temp.seed_hash(o.seed, 7, o.n) % 10 = 0),
       to_timestamp(o.created), to_timestamp(o.created + pg_temp.seed_hash(o.seed, 8, o.n) % 2592000)
FROM (
    SELECT n, p.seed, 1735689600 + pg_temp.seed_hash(p.seed, 2, n) % 31536000 AS created,
           CASE WHEN n <= 8000 * p.scale
                THEN 5 * (k.pick % (200 * p.scale)) + h.residue
                ELSE 5 * (k.pick % (800 * p.scale) / 4)
                     + CASE WHEN k.pick % (800 * p.scale) % 4 + 1 < h.residue
                            THEN k.pick % (800 * p.scale) % 4 + 1
                            ELSE k.pick % (800 * p.scale) % 4 + 2 END
           END AS user_id
    FROM seed_parameters p,
         (SELECT CASE WHEN seed % 5 = 0 THEN 5 ELSE seed % 5 END AS residue FROM seed_parameters) h,
         generate_series(1, 10000 * p.scale) AS n,
         LATERAL (SELECT pg_temp.seed_hash(p.seed, 1, n) AS pick) k
) o
JOIN users u ON u.id = o.user_id
JOIN (SELECT order_id, sum(quantity) AS quantity, sum(quantity * unit_price_cents) AS cents
      FROM seed_items GROUP BY order_id) i ON i.order_id = o.n
ORDER BY o.n;

INSERT INTO order_items (id, user_id, order_id, product_name, quantity, unit_price)
SELECT i.id, o.user_id, i.order_id, i.product_name, i.quantity, i.unit_price_cents::numeric / 100
FROM seed_items i JOIN orders o ON o.id = i.order_id
ORDER BY i.id;

-- New rows get ids after the seed's.
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));
SELECT setval(pg_get_serial_sequence('order_items', 'id'), (SELECT max(id) FROM order_items));

ANALYZE regions, users, orders, order_items;

DROP TABLE seed_items, seed_parameters;
DROP FUNCTION pg_temp.seed_hash(bigint, int, bigint);
