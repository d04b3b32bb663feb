package streamjob

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// input is the file-mode input: a JSON Lines file (or stdin), read as it
// is, or archived Arrow or Parquet data (a file or a dataset directory),
// replayed row by row and numbered as lines (replay).
type input struct {
	path, dataset string
	lines         io.ReadCloser // nil for archived data
}

// openInput opens the file-mode input.
func openInput(path, dataset string) (*input, error) {
	if path == "-" {
		return &input{path: path, lines: io.NopCloser(os.Stdin)}, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	if fi.IsDir() || isArchived(path) {
		return &input{path: path, dataset: dataset}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input: %w", err)
	}
	return &input{path: path, lines: f}, nil
}

// run runs proc over the input.
func (in *input) run(ctx context.Context, proc stream.Processor, out record.Emitter, batches stream.BatchSink, batchLines int) (stream.LineStats, error) {
	if in.lines == nil {
		return replay(ctx, in.path, in.dataset, proc, out, batches, batchLines)
	}
	return stream.RunLines(ctx, in.lines, in.path, proc, out, batches, batchLines)
}

// Close closes the input file.
func (in *input) Close() error {
	if in.lines == nil {
		return nil
	}
	return in.lines.Close()
}
