package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/internal/config"
	"github.com/earshot-dev/earshot/internal/pipeline"
	"github.com/earshot-dev/earshot/schema"
	"github.com/earshot-dev/earshot/store"
)

func (a *app) migrateCmd() *cobra.Command {
	var printCluster string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ClickHouse schema migrations (also done at every start)",
		Long: "Apply the ClickHouse schema migrations. With clickhouse.cluster set, tables are created ON CLUSTER\n" +
			"as replicated local tables behind Distributed tables (docs/scaling.md).",
		Example: "  earshot migrate\n  earshot migrate --print-cluster earshot   # show the cluster DDL, connect to nothing",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			if printCluster != "" {
				stmts, err := store.ClusterSchema(schema.Migrations, store.Cluster{Name: printCluster, Database: cfg.ClickHouse.Database})
				if err != nil {
					return err
				}
				for _, s := range stmts {
					fmt.Fprintf(a.stdout, "%s;\n\n", s)
				}
				return nil
			}
			st, err := a.openStore(cmd, cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			applied, err := pipeline.Migrate(cmd.Context(), st, cfg, a.logger(cfg))
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintln(a.stdout, "schema is up to date")
				return nil
			}
			fmt.Fprintf(a.stdout, "applied %d migration(s): %s\n", len(applied), strings.Join(applied, ", "))
			return nil
		},
	}
	cmd.Flags().StringVar(&printCluster, "print-cluster", "", "print the schema as it would be created on this cluster, and exit")
	return cmd
}

func (a *app) sqlCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:     `sql "SELECT …"`,
		Short:   "Run a query against the store and print TSV with a header",
		Example: `  earshot sql --data-dir ./earshot-demo "SELECT brand, sum(mentions) FROM mentions_hourly FINAL GROUP BY brand"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			if dataDir != "" {
				cfg.DataDir = dataDir
			}
			if cfg.Log.Level == "info" {
				cfg.Log.Level = "warn" // the TSV is the answer; engine start/stop logs are noise here
			}
			st, err := a.openStore(cmd, cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := st.Query(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return res.WriteTSV(a.stdout)
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "", "data directory of the embedded engine (overrides data_dir)")
	return cmd
}

func (a *app) openStore(cmd *cobra.Command, cfg config.Config) (store.Store, error) {
	return store.Open(cmd.Context(), pipeline.StoreConfig(cfg), a.logger(cfg))
}
