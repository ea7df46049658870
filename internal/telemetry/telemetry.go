// Package telemetry holds the Prometheus metrics every stage exports and the
// small HTTP server that serves them with /healthz and /readyz.
//
// One *Metrics is created per process from a registry the caller owns, so
// tests can run several pipelines side by side without metric collisions.
// A nil *Metrics is valid and records nothing: libraries can be used without
// wiring metrics.
package telemetry

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the pipeline's shared instruments.
type Metrics struct {
	EventsIn      *prometheus.CounterVec   // stage, topic
	EventsOut     *prometheus.CounterVec   // stage, topic
	DeadLetters   *prometheus.CounterVec   // stage, reason
	BatchSize     *prometheus.HistogramVec // stage
	InsertLatency *prometheus.HistogramVec // table
	RowsInserted  *prometheus.CounterVec   // table
	ConsumerLag   *prometheus.GaugeVec     // group, topic, partition
	SourceErrors  *prometheus.CounterVec   // source
	SourceReqs    *prometheus.CounterVec   // source, status
	SourceEvents  *prometheus.CounterVec   // source, schema
	SourceSuccess *prometheus.GaugeVec     // source
}

// New creates the instruments and registers them with reg.
func New(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		EventsIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "earshot", Name: "events_in_total",
			Help: "Events a stage read, by stage and topic.",
		}, []string{"stage", "topic"}),
		EventsOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "earshot", Name: "events_out_total",
			Help: "Events a stage wrote, by stage and destination topic or table.",
		}, []string{"stage", "topic"}),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "earshot", Name: "dead_letters_total",
			Help: "Events sent to the dead-letter topic, by stage and reason class.",
		}, []string{"stage", "reason"}),
		BatchSize: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "earshot", Name: "batch_size",
			Help:    "Messages per processed batch.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}, []string{"stage"}),
		InsertLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "earshot", Name: "insert_duration_seconds",
			Help:    "Time to insert one batch into the store, by table.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"table"}),
		RowsInserted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "earshot", Name: "rows_inserted_total",
			Help: "Rows inserted into the store, by table.",
		}, []string{"table"}),
		ConsumerLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "earshot", Name: "consumer_lag_messages",
			Help: "High watermark minus the next offset to read, per consumer group and partition.",
		}, []string{"group", "topic", "partition"}),
		SourceErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "earshot", Name: "source_errors_total",
			Help: "Errors a collector hit while fetching, by source.",
		}, []string{"source"}),
		SourceReqs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "earshot", Name: "source_requests_total",
			Help: "HTTP requests a collector made, by source and status code (\"error\" when no response came).",
		}, []string{"source", "status"}),
		SourceEvents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "earshot", Name: "source_events_total",
			Help: "Events a collector published, by source and schema.",
		}, []string{"source", "schema"}),
		SourceSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "earshot", Name: "source_last_success_timestamp_seconds",
			Help: "Unix time of a collector's last successful poll.",
		}, []string{"source"}),
	}
	if reg != nil {
		reg.MustRegister(m.EventsIn, m.EventsOut, m.DeadLetters, m.BatchSize,
			m.InsertLatency, m.RowsInserted, m.ConsumerLag, m.SourceErrors,
			m.SourceReqs, m.SourceEvents, m.SourceSuccess)
	}
	return m
}

// In counts n events read by stage from topic.
func (m *Metrics) In(stage, topic string, n int) {
	if m == nil || n == 0 {
		return
	}
	m.EventsIn.WithLabelValues(stage, topic).Add(float64(n))
}

// Out counts n events written by stage to topic (or table).
func (m *Metrics) Out(stage, topic string, n int) {
	if m == nil || n == 0 {
		return
	}
	m.EventsOut.WithLabelValues(stage, topic).Add(float64(n))
}

// Dead counts one dead letter.
func (m *Metrics) Dead(stage, reason string) {
	if m == nil {
		return
	}
	m.DeadLetters.WithLabelValues(stage, reason).Inc()
}

// Batch observes the size of one processed batch.
func (m *Metrics) Batch(stage string, n int) {
	if m == nil {
		return
	}
	m.BatchSize.WithLabelValues(stage).Observe(float64(n))
}

// Inserted records one store insert of n rows that took d.
func (m *Metrics) Inserted(table string, n int, d time.Duration) {
	if m == nil {
		return
	}
	m.InsertLatency.WithLabelValues(table).Observe(d.Seconds())
	m.RowsInserted.WithLabelValues(table).Add(float64(n))
}

// Lag sets the consumer lag of one partition.
func (m *Metrics) Lag(group, topic, partition string, lag int64) {
	if m == nil {
		return
	}
	m.ConsumerLag.WithLabelValues(group, topic, partition).Set(float64(lag))
}

// SourceRequest counts one HTTP request of a collector; status is the
// code, or "error" when the request got no response.
func (m *Metrics) SourceRequest(source, status string) {
	if m == nil {
		return
	}
	m.SourceReqs.WithLabelValues(source, status).Inc()
}

// SourceEvent counts n events of one schema a collector published.
func (m *Metrics) SourceEvent(source, schema string, n int) {
	if m == nil || n == 0 {
		return
	}
	m.SourceEvents.WithLabelValues(source, schema).Add(float64(n))
}

// SourceOK records a successful poll of a collector at t.
func (m *Metrics) SourceOK(source string, t time.Time) {
	if m == nil {
		return
	}
	m.SourceSuccess.WithLabelValues(source).Set(float64(t.Unix()))
}

// SourceError counts one fetch error of a collector.
func (m *Metrics) SourceError(source string) {
	if m == nil {
		return
	}
	m.SourceErrors.WithLabelValues(source).Inc()
}
