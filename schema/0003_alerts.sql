-- Alerts raised by `earshot alert`: one row per state change of an alert
-- group (firing, updated, resolved); the latest row per group_key is the
-- alert's current state (ReplacingMergeTree on updated_at; read FINAL).
CREATE TABLE IF NOT EXISTS alerts
(
    group_key    String,
    state        LowCardinality(String),
    revision     UInt32,
    brand        LowCardinality(String),
    metric       LowCardinality(String),
    time_window  LowCardinality(String),  -- 5m | 1h
    started_at   DateTime('UTC'),
    ended_at     DateTime('UTC'),
    observed     Float64,
    expected     Float64,
    score        Float64,
    summary      String,
    payload      String,  -- the whole alert as JSON, as the notifiers sent it
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (group_key);

-- One row per notification sent: a restarted alerter consults it, so a
-- state change is delivered to each channel once.
CREATE TABLE IF NOT EXISTS alert_deliveries
(
    group_key     String,
    state         LowCardinality(String),
    revision      UInt32,
    channel       LowCardinality(String),
    delivered_at  DateTime64(3, 'UTC'),
    attempts      UInt16,
    error         String
)
ENGINE = ReplacingMergeTree(delivered_at)
ORDER BY (group_key, revision, state, channel);
