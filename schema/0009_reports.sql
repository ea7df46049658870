-- One row per monthly report delivered by the report schedule, per channel
-- (dir | email): a restarted scheduler consults it, so a month goes out to
-- each channel once. Read FINAL.
CREATE TABLE IF NOT EXISTS report_deliveries
(
    month         Date,
    brand         LowCardinality(String),
    channel       LowCardinality(String),
    delivered_at  DateTime64(3, 'UTC'),
    files         Array(String)
)
ENGINE = ReplacingMergeTree(delivered_at)
ORDER BY (brand, month, channel);
