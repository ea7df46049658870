package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/enrich/query"
)

func (a *app) queryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "query",
		Short: "Work with listening queries (brands, competitors, topics, campaigns)",
	}
	check := &cobra.Command{
		Use:   "check 'QUERY'",
		Short: "Parse a listening query, print its canonical tree and lint warnings",
		Long: `check parses QUERY with the listening-query grammar (DESIGN.md §5), prints
its canonical, fully parenthesised form and its tree, then any lint
warnings. It exits non-zero, naming the position, when QUERY does not parse.`,
		Example: `  earshot query check '(acme OR "acme corp" OR #acme) AND NOT hiring AND lang:(en OR id)'`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src := strings.Join(args, " ")
			n, err := query.Parse(src)
			if err != nil {
				return fmt.Errorf("query check: %w", err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintln(w, n.String())
			fmt.Fprintln(w)
			fmt.Fprint(w, query.Indent(n))
			ws := query.Lint(n)
			if len(ws) == 0 {
				fmt.Fprintln(w, "\nno warnings")
				return nil
			}
			fmt.Fprintf(w, "\n%d warning(s):\n", len(ws))
			for _, x := range ws {
				fmt.Fprintf(w, "  warning: %s\n", x)
			}
			return nil
		},
	}
	cmd.AddCommand(check)
	return cmd
}
