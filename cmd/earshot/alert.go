package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/alert/notify"
	"github.com/earshot-dev/earshot/internal/pipeline"
)

func (a *app) alertCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "alert",
		Short: "Watch for mention spikes and notify the configured channels (one stage)",
		Long: `alert compares each brand's latest 5-minute and hourly buckets with the same
hour of week over the last weeks, and sends one alert per spike — then
updates and a resolution — to the channels under alerts.channels. It runs
inside 'earshot run'; alone, it needs the store only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			p, err := a.open(cmd, cfg, pipeline.Needs{Store: true})
			if err != nil {
				return err
			}
			defer p.Close()
			st, err := p.Alert()
			if err != nil {
				return err
			}
			return pipeline.Run(cmd.Context(), st)
		},
	}
	cmd.AddCommand(a.alertTestCmd(), a.alertBacktestCmd())
	return cmd
}

func (a *app) alertTestCmd() *cobra.Command {
	var channel string
	cmd := &cobra.Command{
		Use:   "test --channel NAME",
		Short: "Send a sample alert to one configured channel",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.load()
			if err != nil {
				return err
			}
			for _, ch := range cfg.Alerts.Channels {
				if ch.Name != channel {
					continue
				}
				n, err := notify.Build(ch)
				if err != nil {
					return err
				}
				if err := n.Notify(cmd.Context(), sampleAlert(cfg.Alerts.DashboardURL)); err != nil {
					return fmt.Errorf("channel %s: %w", channel, err)
				}
				fmt.Fprintf(a.stdout, "sent a sample alert to %s\n", channel)
				return nil
			}
			return fmt.Errorf("no channel named %q under alerts.channels", channel)
		},
	}
	cmd.Flags().StringVar(&channel, "channel", "", "name of the channel (alerts.channels[].name)")
	cmd.MarkFlagRequired("channel")
	return cmd
}

// sampleAlert looks like a real one so a channel's formatting can be
// judged, and says it is a test.
func sampleAlert(dashboard string) notify.Alert {
	now := time.Now().UTC().Truncate(time.Hour)
	return notify.Alert{
		GroupKey: "test|mentions|1h|" + now.Format(time.RFC3339), State: notify.StateFiring,
		Brand: "Acme (test alert)", Metric: notify.MetricMentions, Window: "1h",
		Start: now.Add(-time.Hour), End: now, Observed: 412, Expected: 80, Score: 0.97,
		Sentiment: notify.Sentiment{Positive: 61, Neutral: 95, Negative: 256, NegativeBefore: 0.18},
		TopMentions: []notify.Mention{
			{Network: "x", Author: "rina_12", Text: "Is Acme down? Can't log in at all #outage", URL: "https://x.com/rina_12/status/1", Reach: 48200},
			{Network: "reddit", Author: "budi_7", Text: "Acme has been down for an hour, nothing works", URL: "https://reddit.com/r/acme/1", Reach: 12100},
		},
		TopTerms:     []string{"#outage", "#acme"},
		TopNetworks:  []notify.Count{{Name: "x", N: 250}, {Name: "reddit", N: 101}},
		DashboardURL: dashboard,
	}
}
