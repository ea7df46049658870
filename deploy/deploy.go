// Package deploy holds the Prometheus configuration and rules; this package
// exists for its tests.
//
// docker-compose.yml mounts prometheus/prometheus.yml and prometheus/rules
// into the Prometheus container as they are. The tests run promtool over the
// rules and their unit tests, and keep the rules in step with the metrics
// internal/telemetry exports and with the compose mounts.
package deploy
