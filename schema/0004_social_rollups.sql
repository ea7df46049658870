-- Own-post engagement and audience growth, written by the rollup job
-- (rollup/social.go). Like 0002, a day is recomputed whole and re-inserted
-- with a newer computed_at; ReplacingMergeTree keeps the latest row per key,
-- so reruns are idempotent. Readers use FINAL. Definitions: docs/metrics.md.

-- One row per own post per day it was observed, from the day's last
-- observation. Counters are the post's lifetime totals as of that
-- observation. campaign is a column, not part of the key: it belongs to the
-- post, and keeping it out of the key means a corrected campaign replaces
-- the old row instead of leaving a stale one beside it. Engagement and the
-- three rate denominators are stored so any set of rows gives Σ ÷ Σ; the
-- per-row rates are for display only.
CREATE TABLE IF NOT EXISTS post_engagement_daily
(
    day                          Date,
    network                      LowCardinality(String),
    account                      LowCardinality(String),
    post_id                      String,
    campaign                     LowCardinality(String),
    impressions                  UInt64,
    reach                        UInt64,
    likes                        UInt64,
    comments                     UInt64,
    shares                       UInt64,
    saves                        UInt64,
    engagement                   UInt64,   -- per-network definition, DESIGN §4
    clicks                       UInt64,
    video_views                  UInt64,
    followers                    UInt64,   -- the account's last snapshot that day; 0 when unknown
    engagement_rate_reach        Float64,  -- engagement ÷ reach × 100 (the default rate)
    engagement_rate_impressions  Float64,  -- engagement ÷ impressions × 100
    engagement_rate_followers    Float64,  -- engagement ÷ followers × 100
    computed_at                  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(day)
ORDER BY (network, account, day, post_id);

-- Followers per account per day (last snapshot of the day) and the change
-- from the previous calendar day. prev_followers, delta and growth_pct are
-- NULL when the previous day has no snapshot (growth_pct also when it had 0
-- followers): a gap is not "no growth".
CREATE TABLE IF NOT EXISTS audience_daily
(
    day             Date,
    network         LowCardinality(String),
    account         LowCardinality(String),
    followers       UInt64,
    prev_followers  Nullable(UInt64),
    delta           Nullable(Int64),
    growth_pct      Nullable(Float64),  -- delta ÷ prev_followers × 100
    computed_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(day)
ORDER BY (network, account, day);
