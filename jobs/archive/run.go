package archive

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/parquet"
)

// StagingDir is where new partitions are built, under the archive root.
// Readers never look there; it is emptied at the start of every run.
const StagingDir = ".staging"

// Stats counts what a run read and wrote.
type Stats struct {
	Days          int   // dataset-days archived
	FilesRead     int   // micro-batch files read
	FilesDropped  int   // micro-batch files skipped as contained duplicates
	RowsRead      int64 // rows in the files read
	RowsDuplicate int64 // rows of partially overlapping ranges skipped
	RowsWritten   int64
	FilesWritten  int // Parquet files
	BytesWritten  int64
}

func (s *Stats) add(d dayStats) {
	s.Days++
	s.FilesRead += d.filesRead
	s.FilesDropped += d.filesDropped
	s.RowsRead += d.rowsRead
	s.RowsDuplicate += d.rowsDuplicate
	s.RowsWritten += d.rowsWritten
	s.FilesWritten += d.filesWritten
	s.BytesWritten += d.bytesWritten
}

type archiver func(batchDay, stage string, opt parquet.Options) (dayStats, error)

func layoutOf(d columnar.Dataset) archiver {
	switch d {
	case columnar.Orders:
		return bind(parquet.OrderLayout)
	case columnar.Trades:
		return bind(parquet.TradeLayout)
	case columnar.Events:
		return bind(parquet.EventLayout)
	case columnar.Bars:
		return bind(parquet.BarLayout)
	case columnar.SMAs:
		return bind(parquet.SMALayout)
	case columnar.Profits:
		return bind(parquet.ProfitLayout)
	case columnar.Rejects:
		return bind(parquet.RejectLayout)
	case columnar.Book:
		return bind(parquet.BookLayout)
	case columnar.Statuses:
		return bind(parquet.StatusLayout)
	}
	return nil
}

func bind[T any](l *parquet.Layout[T]) archiver {
	return func(batchDay, stage string, opt parquet.Options) (dayStats, error) {
		return archiveDay(l, batchDay, stage, opt)
	}
}

// Run archives the micro-batches of cfg.BatchDir into cfg.ArchiveDir.
func Run(ctx context.Context, cfg Config, logger *slog.Logger) (Stats, error) {
	var st Stats
	if err := cfg.Validate(); err != nil {
		return st, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if _, err := os.Stat(cfg.BatchDir); err != nil {
		return st, fmt.Errorf("batch dir: %w", err)
	}
	datasets := columnar.AllDatasets
	if len(cfg.Datasets) > 0 {
		datasets = nil
		for _, d := range cfg.Datasets {
			ds, _ := columnar.ParseDataset(d)
			datasets = append(datasets, ds)
		}
	}
	staging := filepath.Join(cfg.ArchiveDir, StagingDir)
	if err := os.RemoveAll(staging); err != nil {
		return st, fmt.Errorf("clear staging: %w", err)
	}
	opt := parquet.Options{RowGroupRows: cfg.RowGroupRows, Snappy: cfg.Snappy}
	start := time.Now()
	for _, ds := range datasets {
		days, err := daysOf(filepath.Join(cfg.BatchDir, string(ds)), cfg.Date)
		if err != nil {
			return st, err
		}
		for _, day := range days {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			batchDay := filepath.Join(cfg.BatchDir, string(ds), day)
			stage := filepath.Join(staging, string(ds)+"-"+day)
			if err := os.MkdirAll(stage, 0o755); err != nil {
				return st, err
			}
			d, err := layoutOf(ds)(batchDay, stage, opt)
			if err == nil {
				err = swapIn(stage, filepath.Join(cfg.ArchiveDir, string(ds), day))
			}
			if err != nil {
				return st, fmt.Errorf("archive %s %s: %w", ds, day, err)
			}
			st.add(d)
			logger.Info("archived", "dataset", ds, "day", strings.TrimPrefix(day, "dt="),
				"files_read", d.filesRead, "files_dropped", d.filesDropped, "rows_read", d.rowsRead,
				"rows_duplicate", d.rowsDuplicate, "rows_written", d.rowsWritten,
				"files_written", d.filesWritten, "bytes", d.bytesWritten)
		}
	}
	os.Remove(staging)
	secs := time.Since(start).Seconds()
	fmt.Fprintf(cfg.summary(), "archive: %d dataset-days, read %d files (%d duplicates dropped) %d rows (%d duplicate), wrote %d rows in %d parquet files, %d bytes, %.1fs\n",
		st.Days, st.FilesRead, st.FilesDropped, st.RowsRead, st.RowsDuplicate, st.RowsWritten, st.FilesWritten, st.BytesWritten, secs)
	return st, nil
}

// daysOf lists the dt=YYYY-MM-DD directories of a dataset's batches, or
// just the one of date.
func daysOf(dir, date string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var days []string
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, "dt=") {
			continue
		}
		if date != "" && name != "dt="+date {
			continue
		}
		days = append(days, name)
	}
	sort.Strings(days)
	return days, nil
}
