// Package dashboards holds earshot's Grafana provisioning: the ClickHouse data
// source, the dashboard file provider and the dashboards themselves.
//
// docker-compose.yml mounts these directories into Grafana as they are; the
// binary embeds the same files so it can write them out for a Grafana it does
// not run itself.
package dashboards

import "embed"

//go:generate go run ./gen -out json

// Files holds provisioning/datasources/*.yaml, provisioning/dashboards/*.yaml
// and json/*.json, with those paths.
//
//go:embed provisioning json
var Files embed.FS

// DatasourceUID is the uid the provisioned ClickHouse data source gets; every
// panel and template variable in json/ refers to it.
const DatasourceUID = "earshot-clickhouse"

// DatasourceType is the Grafana plugin id of the ClickHouse data source.
const DatasourceType = "grafana-clickhouse-datasource"

// PrometheusUID is the uid of the provisioned Prometheus data source, which
// the pipeline-health dashboard reads earshot's own metrics from.
const PrometheusUID = "earshot-prometheus"

// PrometheusType is the Grafana plugin id of the Prometheus data source.
const PrometheusType = "prometheus"
