-- Fact tables written by the sink. Every table keeps the Kafka partition and
-- offset its row came from: the sink resumes from max(kafka_offset) per
-- partition, which makes a replayed batch a no-op without any external state.
-- ReplacingMergeTree on the event id is the second line of defence, for an
-- item collected twice (same id, new offset); readers use FINAL.

CREATE TABLE IF NOT EXISTS mentions
(
    id                String,
    source            LowCardinality(String),
    network           LowCardinality(String),
    kind              LowCardinality(String),
    url               String,
    author_id         String,
    author_handle     String,
    author_followers  UInt64,
    title             String,
    text              String,
    lang              LowCardinality(String),
    country           LowCardinality(String),
    site              LowCardinality(String),
    rating            Float32,                -- 0: the item carries no rating
    likes             UInt64,
    shares            UInt64,
    comments          UInt64,
    reach             UInt64,
    sentiment         Float32,
    sentiment_label   LowCardinality(String),
    brands            Array(LowCardinality(String)),
    brand_roles       Array(LowCardinality(String)),
    created_at        DateTime64(3, 'UTC'),
    collected_at      DateTime64(3, 'UTC'),
    enriched_at       DateTime64(3, 'UTC'),
    inserted_at       DateTime64(3, 'UTC') DEFAULT now64(3),  -- set by the engine: end-to-end latency = inserted_at - collected_at
    kafka_partition   UInt16,
    kafka_offset      UInt64
)
ENGINE = ReplacingMergeTree(enriched_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS post_metrics
(
    id               String,
    source           LowCardinality(String),
    network          LowCardinality(String),
    account          String,
    post_id          String,
    url              String,
    campaign         LowCardinality(String),
    published_at     DateTime64(3, 'UTC'),
    observed_at      DateTime64(3, 'UTC'),
    impressions      UInt64,
    reach            UInt64,
    likes            UInt64,
    comments         UInt64,
    shares           UInt64,
    saves            UInt64,
    clicks           UInt64,
    video_views      UInt64,
    kafka_partition  UInt16,
    kafka_offset     UInt64
)
ENGINE = ReplacingMergeTree(observed_at)
PARTITION BY toYYYYMM(published_at)
ORDER BY (network, account, post_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS audience_snapshots
(
    id               String,
    source           LowCardinality(String),
    network          LowCardinality(String),
    account          String,
    followers        UInt64,
    observed_at      DateTime64(3, 'UTC'),
    kafka_partition  UInt16,
    kafka_offset     UInt64
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(observed_at)
ORDER BY (network, account, observed_at, id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS conversions
(
    id               String,
    source           LowCardinality(String),
    occurred_at      DateTime64(3, 'UTC'),
    type             LowCardinality(String),
    value            Float64,
    currency         LowCardinality(String),
    utm_source       LowCardinality(String),
    utm_medium       LowCardinality(String),
    utm_campaign     LowCardinality(String),
    kafka_partition  UInt16,
    kafka_offset     UInt64
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS ad_spend
(
    id               String,
    source           LowCardinality(String),
    date             Date,
    network          LowCardinality(String),
    campaign         LowCardinality(String),
    spend            Float64,
    currency         LowCardinality(String),
    impressions      UInt64,
    clicks           UInt64,
    kafka_partition  UInt16,
    kafka_offset     UInt64
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(date)
ORDER BY (id)
SETTINGS non_replicated_deduplication_window = 1000;
