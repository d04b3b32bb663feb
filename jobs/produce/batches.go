package produce

import (
	"fmt"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// batches keeps the produced orders as Arrow micro-batches. The source name
// carries the seed and first id, so a rerun of the same flow replaces its
// own files rather than adding duplicates.
type batches struct {
	w      *columnar.BatchWriter
	source string
	size   int
	first  int64
}

func openBatches(cfg Config) (*batches, error) {
	if cfg.BatchDir == "" {
		return &batches{}, nil
	}
	w, err := columnar.NewBatchWriter(cfg.BatchDir, columnar.Orders)
	if err != nil {
		return nil, fmt.Errorf("open batch dir: %w", err)
	}
	return &batches{w: w, source: fmt.Sprintf("produce-s%d-id%d", cfg.Gen.Seed, cfg.Gen.FirstID), size: max(cfg.BatchSize, 1), first: 1}, nil
}

// add keeps the n-th order (from 1) and flushes every size orders.
func (b *batches) add(o *record.Order, n int) error {
	if b.w == nil {
		return nil
	}
	b.w.SetOffset(int64(n))
	b.w.Order(o)
	if int64(n)-b.first+1 >= int64(b.size) {
		return b.flush(int64(n))
	}
	return nil
}

func (b *batches) flush(last int64) error {
	if last < b.first {
		return nil
	}
	if err := b.w.Flush(stream.Range{Source: b.source, First: b.first, Last: last}); err != nil {
		return fmt.Errorf("write order batch %d-%d: %w", b.first, last, err)
	}
	b.first = last + 1
	return nil
}

// close flushes what is left after n orders and closes the writer.
func (b *batches) close(n int) error {
	if b.w == nil {
		return nil
	}
	err := b.flush(int64(n))
	if cerr := b.w.Close(); err == nil {
		err = cerr
	}
	return err
}
