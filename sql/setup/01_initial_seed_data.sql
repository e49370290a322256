-- Phase 1: the baseline's fixed reference data: ten regions.
--
-- Users, orders and order_items are not inserted here: they are generated from a seed by
-- ClusterFixtures' SeedData (1,000 users, 10,000 orders, 20% of users placing 80% of the orders,
-- scaled by a factor) and bulk-loaded with COPY, so that every test can compute from the same seed
-- what the tables must contain. `make setup` runs this file and then the load.

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
