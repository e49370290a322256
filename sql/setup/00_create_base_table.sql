-- Phase 1: the baseline schema, plain PostgreSQL tables on the coordinator.
--
-- Shaped for the later phases:
-- * orders and order_items will be hash-distributed by user_id and colocated, so each carries
--   user_id and its primary key includes it (Citus requires unique constraints on a distributed
--   table to contain the distribution column).
-- * order_items references orders through (user_id, order_id): a foreign key between colocated
--   distributed tables must go through the distribution column.
-- * regions becomes a reference table; orders.region may reference it.
-- * users stays a plain coordinator table for the whole lifecycle. orders.user_id deliberately has
--   no foreign key to users: a distributed table cannot reference a table that stays local.
-- * bigserial, not IDENTITY: undistribute_table refuses tables with IDENTITY columns (Phase 4).

CREATE TABLE regions (
    code      text PRIMARY KEY,
    name      text NOT NULL,
    timezone  text NOT NULL,
    currency  char(3) NOT NULL
);

CREATE TABLE users (
    id           bigserial PRIMARY KEY,
    email        text NOT NULL UNIQUE,
    name         text NOT NULL,
    region_code  text NOT NULL REFERENCES regions (code),
    tier         text NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
    created_at   timestamptz NOT NULL
);

CREATE TABLE orders (
    id          bigserial,
    user_id     bigint NOT NULL,
    region      text NOT NULL REFERENCES regions (code),
    product_id  integer NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    amount      numeric(12, 2) NOT NULL CHECK (amount >= 0),
    status      text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    metadata    jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (user_id, id)
);

CREATE TABLE order_items (
    id            bigserial,
    user_id       bigint NOT NULL,
    order_id      bigint NOT NULL,
    product_name  text NOT NULL,
    quantity      integer NOT NULL CHECK (quantity > 0),
    unit_price    numeric(10, 2) NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (user_id, id),
    FOREIGN KEY (user_id, order_id) REFERENCES orders (user_id, id)
);

CREATE INDEX idx_orders_user_id ON orders (user_id);
CREATE INDEX idx_orders_region ON orders (region);
CREATE INDEX idx_orders_created_at ON orders (created_at);
