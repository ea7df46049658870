-- Business rollups written by the rollup job (rollup/business.go): conversions
-- and ad spend per day, and ROI per month and own brand. Like the other
-- rollups, a window is recomputed whole and re-inserted with a newer
-- computed_at. is_deleted lets a rerun retire a key that no longer has any
-- source row (a corrected UTM, an erased conversion, a brand removed from the
-- config): FINAL hides rows whose latest version has is_deleted = 1. Money is
-- Decimal so sums are exact and a rerun gives the same numbers to the cent.
-- Readers use FINAL.

-- network is derived from utm_source (see docs/metrics.md), utm_source is kept
-- as received.
CREATE TABLE IF NOT EXISTS conversions_daily
(
    day              Date,
    network          LowCardinality(String),
    campaign         LowCardinality(String),
    utm_source       LowCardinality(String),
    utm_medium       LowCardinality(String),
    type             LowCardinality(String),
    currency         LowCardinality(String),
    conversions      UInt64,
    value            Decimal(18, 4),
    is_deleted       UInt8,
    computed_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
PARTITION BY toYYYYMM(day)
ORDER BY (network, campaign, utm_source, utm_medium, type, currency, day);

CREATE TABLE IF NOT EXISTS ad_spend_daily
(
    day              Date,
    network          LowCardinality(String),
    campaign         LowCardinality(String),
    currency         LowCardinality(String),
    spend            Decimal(18, 4),
    impressions      UInt64,
    clicks           UInt64,
    is_deleted       UInt8,
    computed_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
PARTITION BY toYYYYMM(day)
ORDER BY (network, campaign, currency, day);

-- month is the first day of the month. Every own brand gets the same row:
-- all conversions attributed to social networks count for the own brand, so
-- never add brands up. roi and roi_pct are NULL when total_cost is 0.
CREATE TABLE IF NOT EXISTS roi_monthly
(
    month            Date,
    brand            LowCardinality(String),
    currency         LowCardinality(String),
    conversions      UInt64,
    attributed_value Decimal(18, 4),
    ad_spend         Decimal(18, 4),
    tool_cost        Decimal(18, 4),
    total_cost       Decimal(18, 4),
    roi              Nullable(Float64),
    roi_pct          Nullable(Float64),
    is_deleted       UInt8,
    computed_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
PARTITION BY toYYYYMM(month)
ORDER BY (brand, currency, month);
