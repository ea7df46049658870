package dashboards

// DatasourceFile is the shape of a Grafana data-source provisioning file,
// as far as earshot's files use it.
type DatasourceFile struct {
	APIVersion  int `yaml:"apiVersion"`
	Datasources []struct {
		Name           string         `yaml:"name"`
		UID            string         `yaml:"uid"`
		Type           string         `yaml:"type"`
		URL            string         `yaml:"url"`
		IsDefault      bool           `yaml:"isDefault"`
		JSONData       map[string]any `yaml:"jsonData"`
		SecureJSONData map[string]any `yaml:"secureJsonData"`
	} `yaml:"datasources"`
}

// ProviderFile is the shape of a Grafana dashboard-provider provisioning
// file, as far as earshot's files use it.
type ProviderFile struct {
	APIVersion int `yaml:"apiVersion"`
	Providers  []struct {
		Name    string `yaml:"name"`
		Type    string `yaml:"type"`
		Options struct {
			Path string `yaml:"path"`
		} `yaml:"options"`
	} `yaml:"providers"`
}
