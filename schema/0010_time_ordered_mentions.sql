-- mentions sorted by time. It was sorted by id alone, so every read of a
-- time range (dashboards, alert windows, the rollup job's windows) read
-- the whole month's partition and FINAL merged all of it: ~1 s per panel
-- and 3–5 s for the care queue at 10M mentions. Sorted by
-- (toStartOfHour(created_at), id), a range reads only its hours, and
-- FINAL only merges parts whose hours overlap: merged history is read
-- without merging at all.
--
-- The replacing key is now (hour, id): two versions of one item collapse
-- as long as their created_at falls in the same hour, which holds because
-- created_at is the platform's creation time, the same on every
-- collection (the monthly partition already relied on that).
--
-- The key of a table cannot be changed in place, so the table is copied.
-- Stop every sink before upgrading (`earshot migrate` runs this once; the
-- copy takes about 3 minutes per 10M mentions on 2 cores). The views are
-- dropped first so the copy does not count every mention again, and are
-- created again at the end. Each step tolerates a replay from the top
-- after a crash: mentions_by_time is dropped first, so a replay never
-- exchanges the tables back.
DROP VIEW IF EXISTS mentions_5m_mv;
DROP VIEW IF EXISTS mention_terms_daily_mv;
DROP TABLE IF EXISTS mentions_by_time;

CREATE TABLE mentions_by_time AS mentions
ENGINE = ReplacingMergeTree(enriched_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (toStartOfHour(created_at), id)
SETTINGS non_replicated_deduplication_window = 1000;

INSERT INTO mentions_by_time SELECT * FROM mentions;

EXCHANGE TABLES mentions AND mentions_by_time;

DROP TABLE mentions_by_time;

-- The sink sets recollected on a version of an item the table already
-- holds (collected again, or enriched again). The views below skip those
-- rows, so they count each item once, as first seen, instead of once per
-- collection; FINAL still reads the latest version.
ALTER TABLE mentions ADD COLUMN IF NOT EXISTS recollected UInt8;

CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_5m_mv TO mentions_5m AS
SELECT toStartOfFiveMinutes(toDateTime(created_at, 'UTC')) AS bucket, brand, role, network,
       countState() AS mentions, uniqState(author_id) AS authors, sumState(reach) AS reach,
       sumState(likes + shares + comments) AS engagement,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive,
       sumState(toUInt64(sentiment_label = 'neutral')) AS neutral,
       sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM mentions
ARRAY JOIN brands AS brand, arrayResize(brand_roles, length(brands)) AS role
WHERE recollected = 0
GROUP BY bucket, brand, role, network;

-- Top terms gain a campaign dimension, so the Listening dashboard's term,
-- language and source panels can read this table under a campaign filter
-- too. Every mention counts under campaign '' (all mentions) and once more
-- under each campaign it belongs to: read campaign = '' for all mentions,
-- never sum over campaigns. Rebuilt from mentions FINAL (a new key cannot
-- be added to the old table's rows). A mention of no known language
-- counts under lang 'unknown' (it was left out).
DROP TABLE IF EXISTS mention_terms_daily;

CREATE TABLE IF NOT EXISTS mention_terms_daily
(
    day       Date,
    brand     LowCardinality(String),
    campaign  LowCardinality(String),
    network   LowCardinality(String),
    kind      LowCardinality(String),
    term      String,
    mentions  AggregateFunction(count),
    reach     AggregateFunction(sum, UInt64),
    positive  AggregateFunction(sum, UInt64),
    negative  AggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (brand, kind, campaign, day, network, term)
SETTINGS non_replicated_deduplication_window = 1000;

INSERT INTO mention_terms_daily
SETTINGS insert_deduplication_token = '0010_time_ordered_mentions/mention_terms_daily'
SELECT toDate(created_at) AS day, brand, campaign, network, t.1 AS kind, t.2 AS term, countState() AS mentions,
       sumState(reach) AS reach,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive, sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM mentions FINAL
ARRAY JOIN brands AS brand
ARRAY JOIN arrayConcat([''], arrayDistinct(campaigns)) AS campaign
ARRAY JOIN arrayFilter(x -> x.2 != '', arrayConcat(
    arrayMap(h -> ('hashtag', h), arrayDistinct(hashtags)),
    arrayMap(k -> ('keyword', k), arrayDistinct(keywords)),
    arrayMap(d -> ('domain', toString(d)), arrayDistinct(link_domains)),
    [('lang', if(lang = '', 'unknown', toString(lang))), ('source', toString(source))])) AS t
GROUP BY day, brand, campaign, network, kind, term;

CREATE MATERIALIZED VIEW IF NOT EXISTS mention_terms_daily_mv TO mention_terms_daily AS
SELECT toDate(created_at) AS day, brand, campaign, network, t.1 AS kind, t.2 AS term, countState() AS mentions,
       sumState(reach) AS reach,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive, sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM mentions
ARRAY JOIN brands AS brand
ARRAY JOIN arrayConcat([''], arrayDistinct(campaigns)) AS campaign
ARRAY JOIN arrayFilter(x -> x.2 != '', arrayConcat(
    arrayMap(h -> ('hashtag', h), arrayDistinct(hashtags)),
    arrayMap(k -> ('keyword', k), arrayDistinct(keywords)),
    arrayMap(d -> ('domain', toString(d)), arrayDistinct(link_domains)),
    [('lang', if(lang = '', 'unknown', toString(lang))), ('source', toString(source))])) AS t
WHERE recollected = 0
GROUP BY day, brand, campaign, network, kind, term;

-- Unique reach over any range: each author once, with the most followers
-- seen. Summing over millions of distinct authors per query is too slow
-- for a dashboard, so this table keeps one row per brand, network, author
-- (a 64-bit hash of author_id) and month, with the days of the month the
-- author mentioned the brand as bits (bit 0 = the 1st). The Overview
-- dashboard reads a fixed 1/16 sample of the author hashes from it
-- (SAMPLE 1/16, which reads only those key ranges) and scales by 16:
-- docs/metrics.md has the method and its error.
CREATE TABLE IF NOT EXISTS author_reach_monthly
(
    month      Date,
    brand      LowCardinality(String),
    network    LowCardinality(String),
    author     UInt64,
    days       SimpleAggregateFunction(groupBitOr, UInt32),
    followers  SimpleAggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(month)
ORDER BY (brand, network, author, month)
SAMPLE BY author
SETTINGS non_replicated_deduplication_window = 1000;

INSERT INTO author_reach_monthly
SETTINGS insert_deduplication_token = '0010_time_ordered_mentions/author_reach_monthly'
SELECT toStartOfMonth(created_at) AS month, brand, network, cityHash64(author_id) AS author,
       groupBitOr(bitShiftLeft(toUInt32(1), toDayOfMonth(created_at) - 1)) AS days, max(author_followers) AS followers
FROM mentions FINAL
ARRAY JOIN brands AS brand
GROUP BY month, brand, network, author;

CREATE MATERIALIZED VIEW IF NOT EXISTS author_reach_monthly_mv TO author_reach_monthly AS
SELECT toStartOfMonth(created_at) AS month, brand, network, cityHash64(author_id) AS author,
       groupBitOr(bitShiftLeft(toUInt32(1), toDayOfMonth(created_at) - 1)) AS days, max(author_followers) AS followers
FROM mentions
ARRAY JOIN brands AS brand
WHERE recollected = 0
GROUP BY month, brand, network, author;

-- The care queue: complaints and questions that need a response, and the
-- own accounts' replies that answer them, about 2 % of mentions. Read from
-- mentions, the queue's three panels read every column of 30 days of
-- mentions through FINAL (a second each at 10M); this copy holds only
-- those rows. Later versions of any item (recollected) are copied too, so
-- FINAL here still finds each item's latest version: an item that no
-- longer needs a response drops out of the queue.
CREATE TABLE IF NOT EXISTS care_queue
(
    id                String,
    source            LowCardinality(String),
    network           LowCardinality(String),
    native_id         String,
    parent_id         String,
    url               String,
    author_id         String,
    author_handle     String,
    author_followers  UInt64,
    text              String,
    sentiment_label   LowCardinality(String),
    brands            Array(LowCardinality(String)),
    intent            LowCardinality(String),
    needs_response    UInt8,
    own_author        UInt8,
    created_at        DateTime64(3, 'UTC'),
    enriched_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(enriched_at)
PARTITION BY toYYYYMM(created_at)
ORDER BY (toStartOfHour(created_at), id)
SETTINGS non_replicated_deduplication_window = 1000;

INSERT INTO care_queue
SETTINGS insert_deduplication_token = '0010_time_ordered_mentions/care_queue'
SELECT id, source, network, native_id, parent_id, url, author_id, author_handle, author_followers, text, sentiment_label,
       brands, intent, needs_response, own_author, created_at, enriched_at
FROM mentions FINAL
WHERE needs_response = 1 OR own_author = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS care_queue_mv TO care_queue AS
SELECT id, source, network, native_id, parent_id, url, author_id, author_handle, author_followers, text, sentiment_label,
       brands, intent, needs_response, own_author, created_at, enriched_at
FROM mentions
WHERE needs_response = 1 OR own_author = 1 OR recollected = 1;
