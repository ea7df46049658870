package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/internal/pipeline"
)

func (a *app) deadletterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deadletter",
		Short: "List or replay events that failed a stage",
	}
	var stage string
	read := func(cmd *cobra.Command) (*pipeline.Pipeline, []bus.DeadLetter, error) {
		cfg, err := a.load()
		if err != nil {
			return nil, nil, err
		}
		cfg.HTTP.Listen = ""
		p, err := a.open(cmd, cfg, pipeline.Needs{Broker: true})
		if err != nil {
			return nil, nil, err
		}
		msgs, err := bus.ReadAll(cmd.Context(), p.Bus, cfg.Kafka.Topic(pipeline.TopicDeadLetter))
		if err != nil {
			p.Close()
			return nil, nil, err
		}
		var out []bus.DeadLetter
		for _, m := range msgs {
			d := bus.ParseDeadLetter(m)
			if stage == "" || d.Stage == stage {
				out = append(out, d)
			}
		}
		return p, out, nil
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "Print every dead letter: when, which stage, why, and where it came from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, letters, err := read(cmd)
			if err != nil {
				return err
			}
			defer p.Close()
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "FAILED_AT\tSTAGE\tCLASS\tFROM\tKEY\tREASON")
			for _, d := range letters {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s/%d@%d\t%s\t%s\n", d.FailedAt.Format(time.RFC3339), d.Stage, d.Class,
					d.Topic, d.Partition, d.Offset, d.Msg.Key, d.Reason)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "%d dead letter(s)\n", len(letters))
			return nil
		},
	}
	replay := &cobra.Command{
		Use:   "replay",
		Short: "Send dead letters back to the topic they came from (after fixing the cause)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, letters, err := read(cmd)
			if err != nil {
				return err
			}
			defer p.Close()
			// Input a collector rejected (a malformed API answer) was never
			// on a topic: the fix is in the collector, not a resend.
			var replayable []bus.DeadLetter
			for _, d := range letters {
				if d.Topic != "" {
					replayable = append(replayable, d)
				}
			}
			w := bus.NewWriter(p.Bus, "replay", p.Metrics)
			defer w.Close()
			n, err := bus.Replay(cmd.Context(), w, replayable)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "replayed %d dead letter(s)", n)
			if skipped := len(letters) - len(replayable); skipped > 0 {
				fmt.Fprintf(a.stdout, "; %d rejected by collectors have no topic to go back to and stay listed", skipped)
			}
			fmt.Fprintln(a.stdout)
			return nil
		},
	}
	for _, c := range []*cobra.Command{list, replay} {
		c.Flags().StringVar(&stage, "stage", "", "only dead letters of this stage (collect, enrich, sink)")
	}
	cmd.AddCommand(list, replay)
	return cmd
}
