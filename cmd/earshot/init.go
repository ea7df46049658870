package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/internal/config"
)

func (a *app) initCmd() *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented earshot.yaml",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "-" {
				_, err := a.stdout.Write(config.Example)
				return err
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(out, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s exists: use --force to overwrite it", out)
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			if _, err := f.Write(config.Example); err != nil {
				f.Close()
				return fmt.Errorf("write %s: %w", out, err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			fmt.Fprintf(a.stdout, "wrote %s: edit the brands, then run 'earshot run --config %s'\n", out, out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "earshot.yaml", "file to write ('-' for standard output)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}
