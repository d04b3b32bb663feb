package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/archive"
	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/columnar"
)

func newArchiveCmd() *cobra.Command {
	cfg := archive.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "archive",
		Short: "Compact a day's Arrow micro-batches into partitioned Parquet",
		Long: `archive reads the Arrow micro-batches the jobs wrote under --batch-dir
(<dataset>/dt=YYYY-MM-DD/*.arrow), drops overlapping batches by their input
ranges, sorts each day by time and writes Parquet, Hive-partitioned:
<archive-dir>/<dataset>/dt=YYYY-MM-DD/instrument=XYZ/part-0000.parquet
(zstd, timestamps as TIMESTAMP(MILLIS, UTC), prices as DECIMAL(18,8)).
Each day is built aside and swapped in with one rename: running it twice
gives the same files, and an interrupted run leaves the previous archive.`,
		Example: `  bourse archive --batch-dir /data/batches --archive-dir /data/archive --date 2023-03-13
  bourse archive --batch-dir out/batches --archive-dir out/archive   # every day present`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg.Summary = cmd.ErrOrStderr()
			if err := cfg.Validate(); err != nil {
				return setup.Usage("", err)
			}
			_, err := archive.Run(cmd.Context(), cfg, slog.Default())
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&cfg.BatchDir, "batch-dir", "", "micro-batch directory the jobs write (--batch-dir of match, sma, profit)")
	fs.StringVar(&cfg.ArchiveDir, "archive-dir", "", "root of the Parquet archive")
	fs.StringVar(&cfg.Date, "date", "", "the day to archive, YYYY-MM-DD (default: every day present)")
	fs.StringSliceVar(&cfg.Datasets, "datasets", nil, fmt.Sprintf("datasets to archive (default all: %s)", datasetList()))
	fs.IntVar(&cfg.RowGroupRows, "row-group-rows", cfg.RowGroupRows, "rows per Parquet row group")
	fs.BoolVar(&cfg.Snappy, "snappy", false, "compress with snappy instead of zstd")
	return cmd
}

// datasetList is the datasets archive knows, comma-separated.
func datasetList() string {
	names := make([]string, len(columnar.AllDatasets))
	for i, d := range columnar.AllDatasets {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}
