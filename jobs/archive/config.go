package archive

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/parquet"
)

// Config configures the archive job.
type Config struct {
	// BatchDir is the micro-batch directory the jobs write (--batch-dir).
	BatchDir string
	// ArchiveDir is the root of the Parquet archive (--archive-dir).
	ArchiveDir string
	// Date picks one day, YYYY-MM-DD (--date); empty archives every day
	// present in BatchDir.
	Date string
	// Datasets limits the datasets archived; empty means all.
	Datasets []string
	// RowGroupRows is the Parquet row group size in rows.
	RowGroupRows int
	// Snappy selects snappy instead of zstd compression.
	Snappy bool
	// Summary receives the one-line summary; nil means os.Stderr.
	Summary io.Writer
}

// DefaultConfig returns the defaults: every day, every dataset, 128 Ki-row
// row groups, zstd.
func DefaultConfig() Config {
	return Config{RowGroupRows: parquet.DefaultRowGroupRows}
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	var errs []error
	if c.BatchDir == "" {
		errs = append(errs, errors.New("--batch-dir is required"))
	}
	if c.ArchiveDir == "" {
		errs = append(errs, errors.New("--archive-dir is required"))
	}
	if c.Date != "" {
		if _, err := time.Parse("2006-01-02", c.Date); err != nil {
			errs = append(errs, fmt.Errorf("--date %q: want YYYY-MM-DD", c.Date))
		}
	}
	for _, d := range c.Datasets {
		if _, err := columnar.ParseDataset(d); err != nil {
			errs = append(errs, err)
		}
	}
	if c.RowGroupRows < 0 {
		errs = append(errs, fmt.Errorf("row group rows %d: want > 0", c.RowGroupRows))
	}
	return errors.Join(errs...)
}

func (c *Config) summary() io.Writer {
	if c.Summary == nil {
		return os.Stderr
	}
	return c.Summary
}
