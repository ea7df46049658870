package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/internal/pipeline"
	"github.com/earshot-dev/earshot/report"
)

func (a *app) reportCmd() *cobra.Command {
	var month, brand, out, lang string
	var formats []string
	var email bool
	cmd := &cobra.Command{
		Use:   "report [--month YYYY-MM] [--brand B] [--format pdf,xlsx,csv,html] [--out DIR] [--lang en|id] [--email]",
		Short: "Make the monthly report now: KPIs, charts and tables against the month before",
		Long: `report gathers one brand's month from the rollup tables and writes it as
PDF, XLSX, CSV (one file per table) and/or self-contained HTML into --out,
and with --email sends it to report.email.to. Defaults come from the report
section of the configuration; the month defaults to the previous one in
report.timezone. Months are UTC calendar months, like the rollups.`,
		Example: `  earshot report --month 2026-10 --format pdf,xlsx --out ./reports
  earshot report --lang id --format html --out /srv/reports --email`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			rc := cfg.Report
			if cmd.Flags().Changed("format") {
				rc.Formats = formats
			}
			if cmd.Flags().Changed("lang") {
				rc.Lang = lang
			}
			for _, f := range rc.Formats {
				if !slices.Contains(report.Formats, f) {
					return fmt.Errorf("--format %q: use pdf, xlsx, csv or html, comma-separated", f)
				}
			}
			if !slices.Contains(report.Languages, rc.Lang) {
				return fmt.Errorf("--lang %q: use en or id", rc.Lang)
			}
			if cmd.Flags().Changed("out") {
				rc.OutDir = out
			}
			if email && !rc.Email.Enabled() {
				return errors.New("--email: no e-mail is configured: set report.email.host, from and to (see 'earshot init')")
			}
			if !email {
				rc.Email = report.Email{}
			}
			if rc.OutDir == "" && !email {
				return errors.New("nowhere to put the report: give --out DIR, or --email with report.email configured")
			}
			loc, err := rc.Location()
			if err != nil {
				return fmt.Errorf("report.timezone: %w", err)
			}
			m := report.ReportMonth(time.Now(), loc)
			if month != "" {
				if m, err = time.Parse("2006-01", month); err != nil {
					return fmt.Errorf("--month %q: use YYYY-MM, e.g. %s", month, report.ReportMonth(time.Now(), loc).Format("2006-01"))
				}
			}
			// A one-off command: no metrics endpoint to collide with a running 'earshot run'.
			cfg.HTTP.Listen = ""
			p, err := a.open(cmd, cfg, pipeline.Needs{Store: true})
			if err != nil {
				return err
			}
			defer p.Close()
			if brand == "" {
				brand = p.ReportBrand()
			}
			res, err := report.Run(cmd.Context(), p.Store, report.Job{
				Brand: brand, Month: m, Formats: rc.Formats, Lang: rc.Lang, OutDir: rc.OutDir, Email: rc.Email,
				Gather: report.Options{Currency: cfg.Rollup.Currency}, Render: pipeline.ReportRenderers(), Log: p.Log,
			})
			if res != nil {
				a.reportSummary(res, rc.Email)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&month, "month", "", "month to report, YYYY-MM (default: the previous month)")
	cmd.Flags().StringVar(&brand, "brand", "", "brand to report on (default: report.brand, else the own brand)")
	cmd.Flags().StringSliceVar(&formats, "format", nil, "formats: pdf, xlsx, csv, html (default: report.formats)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write the report into (default: report.out_dir)")
	cmd.Flags().StringVar(&lang, "lang", "", "language of labels and number formats: en or id (default: report.lang)")
	cmd.Flags().BoolVar(&email, "email", false, "also send the report to report.email.to")
	return cmd
}

// reportSummary prints the one line every long job ends with, plus what is
// missing from the month so nobody mistakes an absent series for zero.
func (a *app) reportSummary(res *report.Outcome, e report.Email) {
	r := res.Report
	var parts []string
	if len(res.Saved) > 0 {
		parts = append(parts, "wrote "+strings.Join(res.Saved, ", "))
	}
	if res.Emailed {
		parts = append(parts, "e-mailed to "+strings.Join(e.To, ", "))
	}
	if len(parts) == 0 {
		parts = append(parts, "delivered nothing")
	}
	fmt.Fprintf(a.stdout, "report %s %s: %s\n", r.Brand, r.Month.Format("2006-01"), strings.Join(parts, "; "))
	if len(r.Missing) > 0 {
		var ms []string
		for _, m := range r.Missing {
			s := m.Key
			if m.Qualifier != "" {
				s += " (" + m.Qualifier + ")"
			}
			ms = append(ms, s)
		}
		fmt.Fprintf(a.stdout, "no data this month for: %s\n", strings.Join(ms, ", "))
	}
}
