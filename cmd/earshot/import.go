package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/fileimport"
	"github.com/earshot-dev/earshot/internal/pipeline"
	"github.com/earshot-dev/earshot/schema"
)

// importMappingsKey is where custom import mappings live in the
// configuration file.
const importMappingsKey = "sources.import"

func (a *app) importCmd() *cobra.Command {
	var (
		kind, preset, observedAt string
		over                     fileimport.Overrides
		skipInvalid, dryRun      bool
	)
	cmd := &cobra.Command{
		Use:   "import --kind KIND [--preset P] FILE.csv|FILE.jsonl",
		Short: "Import post metrics, audience counts, conversions, ad spend or mentions from a CSV or JSONL file",
		Long: `import reads a platform export or a file of your own and publishes its rows
as events. Every row gets an id from its natural key (network and post id,
date and campaign, …), so importing the same file again counts nothing twice.

By default the import is all or nothing: if any row is bad, nothing is
published and the bad rows are listed with their line numbers. With
--skip-invalid the good rows are published and the bad ones go to the
dead-letter topic. --dry-run only checks the file.

Without --preset, CSV headers (or JSONL keys) are the event field names, and
JSONL lines may also be whole earshot envelopes. Presets read the platforms'
own exports:
` + presetHelp() + `
Other layouts: name their columns in a mapping under ` + importMappingsKey + `.mappings
of the configuration and pass its name as --preset.`,
		Example: `  earshot import --kind post-metrics --preset facebook-posts Posts.csv
  earshot import --kind post-metrics --preset linkedin-updates --account acme updates.csv
  earshot import --kind ad-spend --preset google-ads --dry-run "Campaign report.csv"
  earshot import --kind conversions --preset ga4-conversions --currency EUR ga4.csv
  earshot import --kind mentions reviews.jsonl`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := fileimport.ParseKind(kind)
			if err != nil {
				return fmt.Errorf("--kind: %w", err)
			}
			custom, err := a.importMappings()
			if err != nil {
				return err
			}
			spec, err := fileimport.Resolve(preset, k, custom)
			if err != nil {
				return fmt.Errorf("--preset: %w", err)
			}
			if observedAt != "" {
				if over.ObservedAt, err = parseTime("--observed-at", observedAt); err != nil {
					return err
				}
			}
			v, err := event.NewValidator(schema.Events)
			if err != nil {
				return err
			}
			im := &fileimport.Importer{Validator: v, Progress: a.importProgress()}
			if !dryRun {
				cfg, err := a.load()
				if err != nil {
					return err
				}
				// A one-off command serves no metrics: a running earshot
				// may hold the port.
				cfg.HTTP.Listen = ""
				p, err := a.open(cmd, cfg, pipeline.Needs{Broker: true})
				if err != nil {
					return err
				}
				defer p.Close()
				pub, closePub := p.Publisher("import")
				defer closePub()
				im.Pub, im.Log = pub, p.Log
			}
			rep, err := im.Import(cmd.Context(), args[0], fileimport.Options{Spec: spec, Overrides: over, SkipInvalid: skipInvalid, DryRun: dryRun})
			if rep != nil {
				rep.WriteRejected(a.stderr, 50)
			}
			if errors.Is(err, fileimport.ErrInvalidRows) {
				return errors.New(rep.Failure())
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, rep.Summary())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "", "what the file holds: post-metrics, audience, conversions, ad-spend or mentions (required)")
	f.StringVar(&preset, "preset", "", "a built-in preset (see above) or a mapping of the configuration; empty: headers are field names")
	f.StringVar(&over.Account, "account", "", "the own account the rows belong to, for exports that name none (LinkedIn)")
	f.StringVar(&over.Network, "network", "", "override the network (e.g. meta-ads spend is 'facebook' by default)")
	f.StringVar(&over.Campaign, "campaign", "", "the campaign of every post (default: the utm_campaign of the post's first link)")
	f.StringVar(&over.Currency, "currency", "", "ISO 4217 currency for files that name none (GA4 revenue)")
	f.StringVar(&over.TimeZone, "time-zone", "", "IANA zone of dates without an offset, e.g. Europe/Berlin (default UTC)")
	f.StringVar(&observedAt, "observed-at", "", "when the counts were true (default: the file's modification time)")
	f.BoolVar(&skipInvalid, "skip-invalid", false, "publish the good rows and dead-letter the bad ones instead of importing nothing")
	f.BoolVar(&dryRun, "dry-run", false, "check every row, publish nothing")
	cmd.MarkFlagRequired("kind")
	return cmd
}

func presetHelp() string {
	var b strings.Builder
	for _, name := range fileimport.PresetNames("") {
		k, doc := fileimport.PresetDoc(name)
		fmt.Fprintf(&b, "  %-17s %-13s %s\n", name, k, doc)
	}
	return b.String()
}

// importMappings reads the custom mappings from the configuration file.
// They are read on their own so the import needs nothing else of the
// configuration for a dry run.
func (a *app) importMappings() (fileimport.Config, error) {
	var c fileimport.Config
	if a.configPath == "" {
		return c, nil
	}
	k := koanf.New(".")
	if err := k.Load(file.Provider(a.configPath), yaml.Parser()); err != nil {
		return c, fmt.Errorf("%s: %w", a.configPath, err)
	}
	err := k.Cut(importMappingsKey).UnmarshalWithConf("", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		ErrorUnused: true, WeaklyTypedInput: true, Result: &c,
	}})
	if err != nil {
		return c, fmt.Errorf("%s: %s: %w", a.configPath, importMappingsKey, err)
	}
	if ps := c.Validate(); len(ps) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s has %d problem(s):", a.configPath, len(ps))
		for _, p := range ps {
			fmt.Fprintf(&b, "\n  %s.%s = %v: %s", importMappingsKey, p.Key, p.Value, p.Fix)
		}
		return c, errors.New(b.String())
	}
	return c, nil
}

// importProgress draws a bar on a terminal and nothing elsewhere.
func (a *app) importProgress() fileimport.Progress {
	f, ok := a.stderr.(interface{ Fd() uintptr })
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return nil
	}
	return &barProgress{w: a.stderr}
}

type barProgress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *barProgress) Phase(name string, total int64) {
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true), progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish(),
	)
}

func (p *barProgress) Add(n int) { p.bar.Add(n) }

func (p *barProgress) Done() { p.bar.Finish() }
