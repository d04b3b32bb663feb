package main

import (
	"github.com/spf13/cobra"
)

func newArchiveCmd() *cobra.Command {
	return &cobra.Command{Use: "archive", Example: "  (being wired)", RunE: func(*cobra.Command, []string) error { return nil }}
}
