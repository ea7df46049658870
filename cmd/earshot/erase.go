package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/erase"
	"github.com/earshot-dev/earshot/internal/pipeline"
)

func (a *app) eraseCmd() *cobra.Command {
	var (
		subject erase.Subject
		dryRun  bool
	)
	cmd := &cobra.Command{
		Use:   "erase --author ID | --handle H",
		Short: "Delete one person's data from every table (right to erasure) and recompute what was built from it",
		Long: `Deletes the mentions a person wrote (by platform author id, or by handle,
case-insensitive), removes their posts from recorded alerts, recomputes the
rollups of every hour those mentions were in and rebuilds the dashboard view
tables of those days. Prints what each table held before and after.

Other people's mentions that name the person are counted, not deleted.
Notifications already sent (Slack, e-mail) cannot be called back.`,
		Example: `  earshot erase --handle @bob --dry-run   # what would go
  earshot erase --author 1234567890`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			if (subject.AuthorID == "") == (subject.Handle == "") {
				return fmt.Errorf("give exactly one of --author ID or --handle H")
			}
			p, err := a.open(cmd, cfg, pipeline.Needs{Store: true})
			if err != nil {
				return err
			}
			defer p.Close()
			start := time.Now()
			e := &erase.Eraser{Store: p.Store, Rollups: p.RollupJob(), Log: a.logger(cfg)}
			r, err := e.Erase(cmd.Context(), subject, dryRun)
			if err != nil {
				return err
			}
			return printErasure(a.stdout, r, time.Since(start))
		},
	}
	cmd.Flags().StringVar(&subject.AuthorID, "author", "", "the person's author id on the platform")
	cmd.Flags().StringVar(&subject.Handle, "handle", "", "the person's handle, with or without @")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "count what would be deleted, change nothing")
	return cmd
}

func printErasure(w io.Writer, r *erase.Report, took time.Duration) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TABLE\tBEFORE\tAFTER\tWHAT\t")
	for _, c := range r.Counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", c.Table, c.Before, c.After, c.What)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verb := "erased"
	if r.DryRun {
		verb = "dry run, nothing changed"
	}
	fmt.Fprintf(w, "%s: handles [%s], author ids [%s], %d rollup window(s) affected, %d mention(s) by others name them (kept); took %s\n",
		verb, strings.Join(r.Handles, ", "), strings.Join(r.AuthorIDs, ", "), len(r.Windows), r.Mentioning, took.Round(time.Millisecond))
	return nil
}
