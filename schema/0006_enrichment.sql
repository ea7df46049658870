-- Columns for the enrichment steps of issue 4 (enrich/). A step that is off
-- leaves its columns at their defaults. brand_sentiments is parallel to
-- brands: the sentiment of the sentences naming each brand. dup_cluster is
-- the id of the first mention of a duplicate's cluster, empty for an
-- original. IF NOT EXISTS: a migration half-applied before a crash is
-- simply applied again.
ALTER TABLE mentions
    ADD COLUMN IF NOT EXISTS native_id        String,
    ADD COLUMN IF NOT EXISTS parent_id        String,
    ADD COLUMN IF NOT EXISTS brand_sentiments Array(Float32),
    ADD COLUMN IF NOT EXISTS topics           Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS campaigns        Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS intent           LowCardinality(String),
    ADD COLUMN IF NOT EXISTS needs_response   UInt8,
    ADD COLUMN IF NOT EXISTS crisis           Array(String),
    ADD COLUMN IF NOT EXISTS own_author       UInt8,
    ADD COLUMN IF NOT EXISTS hashtags         Array(String),
    ADD COLUMN IF NOT EXISTS handles          Array(String),
    ADD COLUMN IF NOT EXISTS links            Array(String),
    ADD COLUMN IF NOT EXISTS link_domains     Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS utm_campaigns    Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS emojis           Array(String),
    ADD COLUMN IF NOT EXISTS keywords         Array(String),
    ADD COLUMN IF NOT EXISTS entities         Array(String),
    ADD COLUMN IF NOT EXISTS entity_labels    Array(LowCardinality(String)),
    ADD COLUMN IF NOT EXISTS dup_cluster      String,
    ADD COLUMN IF NOT EXISTS dup_kind         LowCardinality(String),
    ADD COLUMN IF NOT EXISTS spam_score       Float32,
    ADD COLUMN IF NOT EXISTS reach_basis      LowCardinality(String);
