// Command earshot is the social listening pipeline: collectors, enrichers,
// the ClickHouse sink and rollups, in one binary with a subcommand per stage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/internal/config"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "earshot:", err)
		os.Exit(1)
	}
}

// app carries what every subcommand shares: the flags of the root command
// and the streams, so tests can run commands in-process.
type app struct {
	configPath string
	stdout     io.Writer
	stderr     io.Writer
}

func newRootCmd() *cobra.Command {
	a := &app{stdout: os.Stdout, stderr: os.Stderr}
	root := &cobra.Command{
		Use:   "earshot",
		Short: "Social listening and analytics pipeline: Kafka in, ClickHouse out",
		Long: `earshot collects brand mentions, reviews and own-post metrics into Kafka,
enriches them (language, sentiment, brand matches) and rolls them up in
ClickHouse for Grafana dashboards.

With no kafka.brokers and no clickhouse.addrs configured it runs on an
embedded broker and an embedded ClickHouse engine, keeping data in data_dir.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&a.configPath, "config", "c", "", "configuration file (default: built-in defaults; see 'earshot init')")
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.AddCommand(
		a.initCmd(), a.migrateCmd(), a.sqlCmd(), a.demoCmd(), a.runCmd(),
		a.collectCmd(), a.enrichCmd(), a.sinkCmd(), a.rollupCmd(), a.alertCmd(), a.deadletterCmd(),
		a.importCmd(), a.queryCmd(), a.reportCmd(), a.eraseCmd(), a.evalCmd(),
	)
	return root
}

// load reads the configuration the flags point at.
func (a *app) load() (config.Config, error) {
	return config.Load(a.configPath, nil)
}

func (a *app) logger(cfg config.Config) *slog.Logger {
	return telemetry.NewLogger(a.stderr, cfg.Log.Level, cfg.Log.Format)
}

// errEmbeddedStage explains why a single stage cannot run on the embedded
// broker: it lives inside one process, so other processes cannot reach it.
var errEmbeddedStage = errors.New("this stage runs alone only against a Kafka cluster: set kafka.brokers (or EARSHOT_KAFKA__BROKERS); to run every stage on the embedded broker use 'earshot run'")
