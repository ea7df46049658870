// Package dashboards holds earshot's Grafana provisioning: the ClickHouse data
// source, the dashboard file provider and the dashboards themselves.
//
// docker-compose.yml mounts these directories into Grafana as they are; the
// binary embeds the same files so it can write them out for a Grafana it does
// not run itself.
package dashboards

import "embed"

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
