package streamjob

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

func runFiles(ctx context.Context, cfg Config, job Job, batches stream.BatchSink, log *slog.Logger) (Summary, error) {
	var sum Summary
	in, err := openInput(cfg.In, job.Input.dataset())
	if err != nil {
		return sum, err
	}
	defer in.Close()
	outs := newOutputs()
	defer outs.close()
	var w stream.JSONWriters
	for k, path := range cfg.Files {
		if w[k], err = outs.open(path); err != nil {
			return sum, err
		}
	}
	sink := stream.NewJSONSink(w)
	var out record.Emitter = sink
	if job.Human != nil {
		out = record.Fanout{sink, job.Human}
	}
	counter := &stream.Counter{Next: out}
	proc := job.Factory(0)
	log.Debug("running on files", "job", job.Name, "in", cfg.In)
	st, err := in.run(ctx, proc, counter, batches, cfg.BatchLines)
	sum.Read, sum.Out = st.Lines, counter.Counts
	if ferr := sink.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	if cerr := outs.close(); cerr != nil && err == nil {
		err = cerr
	}
	return sum, err
}

// outputs opens each output path once, even when kinds share it.
type outputs struct {
	byPath map[string]io.Writer
	opened []*os.File
}

func newOutputs() *outputs {
	return &outputs{byPath: map[string]io.Writer{"-": os.Stdout}}
}

// open returns the writer for path: nil for "", stdout for "-".
func (o *outputs) open(path string) (io.Writer, error) {
	if path == "" {
		return nil, nil
	}
	if w, ok := o.byPath[path]; ok {
		return w, nil
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	o.opened = append(o.opened, f)
	o.byPath[path] = f
	return f, nil
}

// close closes every file opened, once.
func (o *outputs) close() error {
	var first error
	for _, f := range o.opened {
		if err := f.Close(); err != nil && first == nil {
			first = fmt.Errorf("close %s: %w", f.Name(), err)
		}
	}
	o.opened = nil
	return first
}
