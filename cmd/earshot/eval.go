package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/enrich"
	"github.com/earshot-dev/earshot/enrich/sentiment/eval"
)

func (a *app) evalCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure an enrichment model against a labelled file",
	}
	var input, lang, scorer string
	var misses bool
	sent := &cobra.Command{
		Use:   "sentiment --input FILE [--lang en|id]",
		Short: "Accuracy, per-class precision/recall/F1, macro-F1 and the confusion matrix of the sentiment scorer",
		Long: `sentiment scores every post of a labelled file with the sentiment scorer the
enricher uses and compares its labels with the file's.

The file has one post per line: label<TAB>text, where label is positive,
neutral or negative. Blank lines and lines starting with # are skipped.
A malformed line stops the run with its line number. --input - reads
standard input.`,
		Example: `  earshot eval sentiment --input enrich/testdata/sentiment/id.tsv --lang id
  earshot eval sentiment --input my-labels.tsv --lang en --misses`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if input == "" {
				return fmt.Errorf("eval sentiment: --input is required: a label<TAB>text file, or - for standard input")
			}
			if lang == "" {
				return fmt.Errorf("eval sentiment: --lang is empty: give the language of the file, e.g. en or id")
			}
			var sc enrich.Scorer
			switch scorer {
			case "default":
				s, err := enrich.NewScorer()
				if err != nil {
					return fmt.Errorf("eval sentiment: %w", err)
				}
				sc = s
			case "vader":
				sc = enrich.NewVader()
			default:
				return fmt.Errorf("eval sentiment: --scorer %q: use default or vader", scorer)
			}
			var r io.Reader = cmd.InOrStdin()
			if input != "-" {
				f, err := os.Open(input)
				if err != nil {
					return fmt.Errorf("eval sentiment: %w", err)
				}
				defer f.Close()
				r = f
			}
			exs, err := eval.ParseTSV(r)
			if err != nil {
				return fmt.Errorf("eval sentiment: %s: %w", input, err)
			}
			if len(exs) == 0 {
				return fmt.Errorf("eval sentiment: %s: no labelled lines (want label<TAB>text)", input)
			}
			rep, ms := eval.Run(exs, func(text string) string { return sc.Score(text, lang).Label })
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "sentiment, %s scorer, lang %s, %s\n\n", scorer, lang, input)
			if err := rep.Write(w); err != nil {
				return err
			}
			if misses && len(ms) > 0 {
				fmt.Fprintf(w, "\n%d misses:\n", len(ms))
				for _, m := range ms {
					fmt.Fprintf(w, "  line %d: %s, scored %s (%+.3f): %s\n", m.Line, m.Label, m.Predicted, sc.Score(m.Text, lang).Score, m.Text)
				}
			}
			return nil
		},
	}
	sent.Flags().StringVar(&input, "input", "", "labelled file, label<TAB>text per line (- for standard input)")
	sent.Flags().StringVar(&lang, "lang", "en", "language of the posts (ISO 639-1): en, id; others score with the English lexicon")
	sent.Flags().StringVar(&scorer, "scorer", "default", "default (the enricher's) or vader (govader as it comes, the baseline)")
	sent.Flags().BoolVar(&misses, "misses", false, "also list the posts scored wrongly")
	cmd.AddCommand(sent)
	return cmd
}
