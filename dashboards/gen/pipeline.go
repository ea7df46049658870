package main

// pipeline answers "is earshot keeping up?", from the metrics every stage
// exports (internal/telemetry) as Prometheus scrapes them
// (deploy/prometheus/prometheus.yml, job "earshot").
func pipeline() *dashboard {
	d := newDashboard("earshot-pipeline", "earshot — pipeline health",
		"Throughput, consumer lag, dead letters, insert latency and collector health of the earshot stages, from Prometheus.",
		"now-6h", "operations")
	d.Refresh = "30s"

	l := d.layout()
	l.add(promStat("Stages up", "Scrape targets of the earshot job that answer.", "short",
		promTarget("A", `sum(up{job="earshot"})`, "up")), 6, 4)
	l.add(promStat("Consumer lag", "Messages not yet read, over all groups and partitions.", "short",
		promTarget("A", `sum(earshot_consumer_lag_messages)`, "lag")), 6, 4)
	l.add(promStat("Dead letters (1h)", "Events sent to the dead-letter topic in the last hour.", "short",
		promTarget("A", `sum(increase(earshot_dead_letters_total[1h]))`, "dead letters")), 6, 4)
	l.add(promStat("Insert p99", "99th percentile of batch insert time over all tables, last 5 minutes.", "s",
		promTarget("A", `histogram_quantile(0.99, sum by (le) (rate(earshot_insert_duration_seconds_bucket[5m])))`, "p99")), 6, 4)

	l.add(promTimeseries("Events read per second", "Events each stage reads, by stage and topic.", "ops",
		promTarget("A", `sum by (stage, topic) (rate(earshot_events_in_total[$__rate_interval]))`, "{{stage}} ← {{topic}}")), 12, 8)
	l.add(promTimeseries("Events written per second", "Events each stage writes, by stage and destination topic or table.", "ops",
		promTarget("A", `sum by (stage, topic) (rate(earshot_events_out_total[$__rate_interval]))`, "{{stage}} → {{topic}}")), 12, 8)

	l.add(promTimeseries("Consumer lag", "High watermark minus the next offset to read, per consumer group and topic. Lag that keeps growing means the stage cannot keep up.", "short",
		promTarget("A", `sum by (group, topic) (earshot_consumer_lag_messages)`, "{{group}} {{topic}}")), 12, 8)
	l.add(promTimeseries("Dead letters per second", "Events sent to the dead-letter topic, by stage and reason class. Inspect with `earshot deadletter list`.", "ops",
		promTarget("A", `sum by (stage, reason) (rate(earshot_dead_letters_total[$__rate_interval]))`, "{{stage}}: {{reason}}")), 12, 8)

	l.add(promTimeseries("Insert latency", "Batch insert time into the store by table: median and 99th percentile.", "s",
		promTarget("A", `histogram_quantile(0.5, sum by (table, le) (rate(earshot_insert_duration_seconds_bucket[$__rate_interval])))`, "p50 {{table}}"),
		promTarget("B", `histogram_quantile(0.99, sum by (table, le) (rate(earshot_insert_duration_seconds_bucket[$__rate_interval])))`, "p99 {{table}}"),
	), 12, 8)
	l.add(promTimeseries("Rows inserted per second", "Rows the sink writes into the store, by table.", "rowsps",
		promTarget("A", `sum by (table) (rate(earshot_rows_inserted_total[$__rate_interval]))`, "{{table}}")), 12, 8)

	l.add(promTimeseries("Batch size", "Median messages per processed batch, by stage: small batches at high throughput cost inserts.", "short",
		promTarget("A", `histogram_quantile(0.5, sum by (stage, le) (rate(earshot_batch_size_bucket[$__rate_interval])))`, "{{stage}}")), 8, 8)
	l.add(promTimeseries("Collector requests", "HTTP requests per second of each collector, by status, and fetch errors.", "reqps",
		promTarget("A", `sum by (source, status) (rate(earshot_source_requests_total[$__rate_interval]))`, "{{source}} {{status}}"),
		promTarget("B", `sum by (source) (rate(earshot_source_errors_total[$__rate_interval]))`, "{{source}} errors"),
	), 8, 8)
	l.add(promTimeseries("Since last successful poll", "Seconds since each collector's last successful poll; a line that keeps rising is a stuck or failing source.", "s",
		promTarget("A", `time() - max by (source) (earshot_source_last_success_timestamp_seconds)`, "{{source}}")), 8, 8)

	l.add(promTimeseries("Events collected per second", "Events each collector published, by source and schema.", "ops",
		promTarget("A", `sum by (source, schema) (rate(earshot_source_events_total[$__rate_interval]))`, "{{source}} {{schema}}")), 12, 8)
	l.add(promTimeseries("Memory", "Resident memory of each stage's process.", "bytes",
		promTarget("A", `process_resident_memory_bytes{job="earshot"}`, "{{instance}}")), 12, 8)
	return d
}
