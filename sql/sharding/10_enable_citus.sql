-- Phase 2, step 1: create Citus on the coordinator and show which version runs.
-- (The workers' databases already carry the extension: Citus needs it there before
-- citus_add_node can register them.)

CREATE EXTENSION IF NOT EXISTS citus;

-- result: citus_version
SELECT citus_version();
