-- Incremental rollups for the Listening dashboard: materialized views into
-- AggregatingMergeTree tables, updated by every insert into mentions, so
-- the last minutes show up without waiting for the rollup job. Read them
-- with the -Merge combinators (countMerge, uniqMerge, sumMerge) grouped by
-- the wanted period: merging states is exact, never an average of averages.
--
-- Duplicates. A view sees every inserted block, not the table after
-- ReplacingMergeTree collapses it. A replayed sink batch never reaches the
-- view twice (the sink skips offsets the table holds, and a block inserted
-- again with the same deduplication token is dropped, in the targets too,
-- which is why they keep their own non_replicated_deduplication_window). An
-- item a collector collects twice gets a new offset, though, and is
-- counted twice here: counts, reach, engagement and sentiment counts are
-- over by the number of re-collections in the bucket, while authors (a
-- uniq state) are not. The KPI tables of the rollup job read mentions FINAL
-- and stay exact; `earshot erase` rebuilds the buckets it touches from
-- mentions FINAL. docs/metrics.md has the definitions.

-- brand_roles is resized to brands: the sink always writes both alike, but
-- a view that failed on one odd row would fail every insert into mentions.

-- Per brand x network x 5 minutes.
CREATE TABLE IF NOT EXISTS mentions_5m
(
    bucket      DateTime('UTC'),
    brand       LowCardinality(String),
    role        LowCardinality(String),
    network     LowCardinality(String),
    mentions    AggregateFunction(count),
    authors     AggregateFunction(uniq, String),
    reach       AggregateFunction(sum, UInt64),
    engagement  AggregateFunction(sum, UInt64),
    positive    AggregateFunction(sum, UInt64),
    neutral     AggregateFunction(sum, UInt64),
    negative    AggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(bucket)
ORDER BY (brand, network, bucket, role)
SETTINGS non_replicated_deduplication_window = 1000;

-- Backfill from what mentions already holds when the view is created
-- (once: the token makes a replay of this migration a no-op).
INSERT INTO mentions_5m
SETTINGS insert_deduplication_token = '0007_listening_views/mentions_5m'
SELECT toStartOfFiveMinutes(toDateTime(created_at, 'UTC')) AS bucket, brand, role, network,
       countState() AS mentions, uniqState(author_id) AS authors, sumState(reach) AS reach,
       sumState(likes + shares + comments) AS engagement,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive,
       sumState(toUInt64(sentiment_label = 'neutral')) AS neutral,
       sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM mentions FINAL
ARRAY JOIN brands AS brand, arrayResize(brand_roles, length(brands)) AS role
GROUP BY bucket, brand, role, network;

CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_5m_mv TO mentions_5m AS
SELECT toStartOfFiveMinutes(toDateTime(created_at, 'UTC')) AS bucket, brand, role, network,
       countState() AS mentions, uniqState(author_id) AS authors, sumState(reach) AS reach,
       sumState(likes + shares + comments) AS engagement,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive,
       sumState(toUInt64(sentiment_label = 'neutral')) AS neutral,
       sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM mentions
ARRAY JOIN brands AS brand, arrayResize(brand_roles, length(brands)) AS role
GROUP BY bucket, brand, role, network;

-- Top terms per brand, network and day: kind is hashtag, keyword, domain
-- (of the links), lang or source. A mention counts once per distinct term.
CREATE TABLE IF NOT EXISTS mention_terms_daily
(
    day       Date,
    brand     LowCardinality(String),
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
ORDER BY (brand, kind, day, network, term)
SETTINGS non_replicated_deduplication_window = 1000;

INSERT INTO mention_terms_daily
SETTINGS insert_deduplication_token = '0007_listening_views/mention_terms_daily'
SELECT toDate(created_at) AS day, brand, network, t.1 AS kind, t.2 AS term, countState() AS mentions, sumState(reach) AS reach,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive, sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM mentions FINAL
ARRAY JOIN brands AS brand
ARRAY JOIN arrayFilter(x -> x.2 != '', arrayConcat(
    arrayMap(h -> ('hashtag', h), arrayDistinct(hashtags)),
    arrayMap(k -> ('keyword', k), arrayDistinct(keywords)),
    arrayMap(d -> ('domain', toString(d)), arrayDistinct(link_domains)),
    [('lang', toString(lang)), ('source', toString(source))])) AS t
GROUP BY day, brand, network, kind, term;

CREATE MATERIALIZED VIEW IF NOT EXISTS mention_terms_daily_mv TO mention_terms_daily AS
SELECT toDate(created_at) AS day, brand, network, t.1 AS kind, t.2 AS term, countState() AS mentions, sumState(reach) AS reach,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive, sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM mentions
ARRAY JOIN brands AS brand
ARRAY JOIN arrayFilter(x -> x.2 != '', arrayConcat(
    arrayMap(h -> ('hashtag', h), arrayDistinct(hashtags)),
    arrayMap(k -> ('keyword', k), arrayDistinct(keywords)),
    arrayMap(d -> ('domain', toString(d)), arrayDistinct(link_domains)),
    [('lang', toString(lang)), ('source', toString(source))])) AS t
GROUP BY day, brand, network, kind, term;
