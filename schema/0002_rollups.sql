-- Rollup tables written by the rollup job. A window is recomputed as a whole
-- and re-inserted with a newer computed_at; ReplacingMergeTree keeps the
-- latest row per key, so reruns are idempotent. Readers use FINAL.

CREATE TABLE IF NOT EXISTS mentions_hourly
(
    hour             DateTime('UTC'),
    brand            LowCardinality(String),
    role             LowCardinality(String),
    network          LowCardinality(String),
    mentions         UInt64,
    unique_authors   UInt64,
    potential_reach  UInt64,
    unique_reach     UInt64,
    engagement       UInt64,
    positive         UInt64,
    neutral          UInt64,
    negative         UInt64,
    computed_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(hour)
ORDER BY (brand, network, hour);

-- Share of voice per day, per network and overall (network = 'all'):
-- brand ÷ (brand + competitors), by mentions, by reach and by engagement.
CREATE TABLE IF NOT EXISTS share_of_voice_daily
(
    day              Date,
    brand            LowCardinality(String),
    role             LowCardinality(String),
    network          LowCardinality(String),
    mentions         UInt64,
    reach            UInt64,
    engagement       UInt64,
    total_mentions   UInt64,
    total_reach      UInt64,
    total_engagement UInt64,
    sov_mentions     Float64,
    sov_reach        Float64,
    sov_engagement   Float64,
    computed_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(day)
ORDER BY (brand, network, day);
