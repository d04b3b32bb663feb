package runner

import (
	"context"
	"fmt"
	"io"
	"os"
)

// openInput opens the file-mode input. JSON Lines files (and stdin) are
// read as they are; archived Arrow or Parquet data (a file or a dataset
// directory) is replayed as JSON Lines, so the job sees one format.
func openInput(ctx context.Context, path, dataset string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), "-", nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("open input: %w", err)
	}
	if fi.IsDir() || isArchived(path) {
		return replay(ctx, path, dataset), path, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("open input: %w", err)
	}
	return f, path, nil
}
