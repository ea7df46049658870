package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/internal/config"
	"github.com/earshot-dev/earshot/schema"
	"github.com/earshot-dev/earshot/store"
)

func (a *app) migrateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ClickHouse schema migrations (also done at every start)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			st, err := a.openStore(cmd, cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			applied, err := store.Migrate(cmd.Context(), st, schema.Migrations, a.logger(cfg))
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
	return store.Open(cmd.Context(), store.Config{
		Addrs: cfg.ClickHouse.Addrs, Database: cfg.ClickHouse.Database,
		Username: cfg.ClickHouse.Username, Password: cfg.ClickHouse.Password,
		DataDir: filepath.Join(cfg.DataDir, "clickhouse"), LibPath: cfg.ClickHouse.LibPath,
	}, a.logger(cfg))
}
