package columnar

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// ErrClosed is returned by a BatchWriter used after Close.
var ErrClosed = errors.New("batch writer closed")

// ErrUnflushed is returned by Close when rows were emitted after the last
// Flush; they are discarded.
var ErrUnflushed = errors.New("unflushed rows discarded")

// BatchWriter keeps a job's outputs as Arrow micro-batch files. It is a
// stream.BatchSink; it also takes orders (Order), which the Emitter
// interface does not carry. It is not safe for concurrent use.
//
// Runners that know input offsets call SetOffset before each input record
// is processed, so that every row records the offset that produced it (the
// hidden _src_offset column used to de-duplicate overlapping ranges).
//
// Rejects have no event time: they are filed under the day of the latest
// event time the writer has seen in any dataset (1970-01-01 before any).
type BatchWriter struct {
	dir       string
	mem       memory.Allocator
	bufs      []batchBuffer
	offset    int64
	watermark int64
	closed    bool
	buf       seekBuffer

	orders  *buffer[record.Order]
	trades  *buffer[record.Trade]
	events  *buffer[record.Event]
	bars    *buffer[record.Bar]
	smas    *buffer[record.SMA]
	profits *buffer[record.Profit]
	rejects *buffer[record.Reject]
}

var _ stream.BatchSink = (*BatchWriter)(nil)

// FlushStats counts what one Flush wrote.
type FlushStats struct {
	Files int
	Rows  int
	Bytes int64
}

// NewBatchWriter returns a writer of the given datasets (every dataset when
// none is given) under dir. Records of other datasets are ignored.
func NewBatchWriter(dir string, datasets ...Dataset) (*BatchWriter, error) {
	if dir == "" {
		return nil, errors.New("batch writer: empty directory")
	}
	if len(datasets) == 0 {
		datasets = AllDatasets
	}
	w := &BatchWriter{dir: dir, mem: memory.DefaultAllocator, offset: -1}
	for _, d := range datasets {
		switch d {
		case Orders:
			w.orders = addBuffer(w, OrderCodec)
		case Trades:
			w.trades = addBuffer(w, TradeCodec)
		case Events:
			w.events = addBuffer(w, EventCodec)
		case Bars:
			w.bars = addBuffer(w, BarCodec)
		case SMAs:
			w.smas = addBuffer(w, SMACodec)
		case Profits:
			w.profits = addBuffer(w, ProfitCodec)
		case Rejects:
			w.rejects = addBuffer(w, RejectCodec)
		default:
			_, err := ParseDataset(string(d))
			return nil, fmt.Errorf("batch writer: %w", err)
		}
	}
	return w, nil
}

func addBuffer[T any](w *BatchWriter, c *Codec[T]) *buffer[T] {
	for _, b := range w.bufs {
		if b, ok := b.(*buffer[T]); ok {
			return b
		}
	}
	b := &buffer[T]{codec: c}
	w.bufs = append(w.bufs, b)
	return b
}

// SetAllocator sets the allocator of the Arrow builders (the default is
// memory.DefaultAllocator). Call it before the first Flush.
func (w *BatchWriter) SetAllocator(mem memory.Allocator) { w.mem = mem }

// SetOffset tells the writer which input offset the following outputs
// come from. Runners call it before processing each input record.
func (w *BatchWriter) SetOffset(offset int64) { w.offset = offset }

func (w *BatchWriter) see(t int64) {
	if t > w.watermark {
		w.watermark = t
	}
}

// Order buffers an order.
func (w *BatchWriter) Order(o *record.Order) { w.see(o.Time); w.orders.add(w, o, o.Time) }

// Trade buffers a trade.
func (w *BatchWriter) Trade(t *record.Trade) { w.see(t.Time); w.trades.add(w, t, t.Time) }

// Event buffers an execution report.
func (w *BatchWriter) Event(e *record.Event) { w.see(e.Time); w.events.add(w, e, e.Time) }

// Bar buffers a bar.
func (w *BatchWriter) Bar(b *record.Bar) { w.see(b.Start); w.bars.add(w, b, b.Start) }

// SMA buffers an SMA window.
func (w *BatchWriter) SMA(s *record.SMA) { w.see(s.WindowStart); w.smas.add(w, s, s.WindowStart) }

// Profit buffers a profit window.
func (w *BatchWriter) Profit(p *record.Profit) {
	w.see(p.WindowStart)
	w.profits.add(w, p, p.WindowStart)
}

// Reject buffers a reject under the latest event time seen.
func (w *BatchWriter) Reject(r *record.Reject) { w.rejects.add(w, r, w.watermark) }

// Pending is the number of rows emitted since the last successful Flush.
func (w *BatchWriter) Pending() int {
	n := 0
	for _, b := range w.bufs {
		n += b.len()
	}
	return n
}

// Flush writes every buffered row as one file per dataset and day, named
// after r, and forgets them. A row that could not be converted (a value
// outside decimal(18,8)) fails the Flush; nothing is forgotten then, so a
// retry writes the same files. Flush with no rows writes nothing.
func (w *BatchWriter) Flush(r stream.Range) error {
	_, err := w.FlushStats(r)
	return err
}

// FlushStats is Flush, also reporting what it wrote.
func (w *BatchWriter) FlushStats(r stream.Range) (FlushStats, error) {
	var st FlushStats
	if w.closed {
		return st, ErrClosed
	}
	if w.Pending() == 0 {
		return st, nil
	}
	if err := checkRange(r); err != nil {
		return st, fmt.Errorf("batch flush: %w", err)
	}
	for _, b := range w.bufs {
		if err := b.flush(w, r, &st); err != nil {
			return st, fmt.Errorf("batch flush %s: %w", r, err)
		}
	}
	for _, b := range w.bufs {
		b.reset()
	}
	w.offset = -1
	return st, nil
}

// Close releases the builders. Rows not flushed are discarded and reported
// with ErrUnflushed.
func (w *BatchWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	n := w.Pending()
	for _, b := range w.bufs {
		b.release()
	}
	if n > 0 {
		return fmt.Errorf("batch writer close: %d %w", n, ErrUnflushed)
	}
	return nil
}

type batchBuffer interface {
	len() int
	flush(w *BatchWriter, r stream.Range, st *FlushStats) error
	reset()
	release()
}

// buffer holds one dataset's rows between flushes.
type buffer[T any] struct {
	codec *Codec[T]
	rows  []T
	offs  []int64
	days  []int64
	rb    *array.RecordBuilder
}

func (b *buffer[T]) add(w *BatchWriter, v *T, t int64) {
	if b == nil || w.closed {
		return
	}
	b.rows = append(b.rows, *v)
	b.offs = append(b.offs, w.offset)
	b.days = append(b.days, DayOf(t))
}

func (b *buffer[T]) len() int { return len(b.rows) }

func (b *buffer[T]) reset() {
	clear(b.rows)
	b.rows, b.offs, b.days = b.rows[:0], b.offs[:0], b.days[:0]
}

func (b *buffer[T]) release() {
	b.reset()
	if b.rb != nil {
		b.rb.Release()
		b.rb = nil
	}
}

func (b *buffer[T]) flush(w *BatchWriter, r stream.Range, st *FlushStats) error {
	if len(b.rows) == 0 {
		return nil
	}
	if b.rb == nil {
		b.rb = array.NewRecordBuilder(w.mem, b.codec.Schema)
	}
	days := slices.Clone(b.days)
	slices.Sort(days)
	days = slices.Compact(days)
	for _, day := range days {
		n := 0
		for i := range b.rows {
			if b.days[i] != day {
				continue
			}
			off := b.offs[i]
			if off < 0 {
				off = r.Last
			}
			if err := b.codec.Append(b.rb, &b.rows[i], off); err != nil {
				// Drop the partial batch so the builder is clean for a retry.
				b.rb.NewRecord().Release()
				return err
			}
			n++
		}
		rec := detachDictionaries(b.rb.NewRecord())
		path := filepath.Join(w.dir, string(b.codec.Dataset), DayDir(day), r.String()+BatchExt)
		size, err := w.writeRecord(path, rec)
		rec.Release()
		if err != nil {
			return err
		}
		st.Files++
		st.Rows += n
		st.Bytes += size
	}
	return nil
}

// writeRecord encodes rec as an Arrow IPC file in memory and writes it
// atomically to path.
func (w *BatchWriter) writeRecord(path string, rec arrow.Record) (int64, error) {
	w.buf.b = w.buf.b[:0]
	fw, err := ipc.NewFileWriter(&w.buf, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(w.mem))
	if err != nil {
		return 0, err
	}
	if err := fw.Write(rec); err != nil {
		fw.Close()
		return 0, err
	}
	if err := fw.Close(); err != nil {
		return 0, err
	}
	err = WriteFileAtomic(path, func(f io.Writer) error {
		_, err := f.Write(w.buf.b)
		return err
	})
	return int64(len(w.buf.b)), err
}

// seekBuffer is an in-memory io.WriteSeeker that only appends; the Arrow
// file writer needs Seek to learn its position.
type seekBuffer struct{ b []byte }

func (s *seekBuffer) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *seekBuffer) Seek(offset int64, whence int) (int64, error) {
	if offset == 0 && (whence == io.SeekCurrent || whence == io.SeekEnd) {
		return int64(len(s.b)), nil
	}
	return 0, errors.New("seekBuffer: only the current position can be asked")
}

// detachDictionaries returns rec (releasing it) with every dictionary's
// values copied into Go-managed memory. Arrow v15.0.2's ipc.FileWriter
// retains the dictionaries it writes and never releases them; detached
// copies are reclaimed by the garbage collector instead of leaking from
// the writer's allocator. Dictionaries hold a handful of values (the
// instruments, the enum names), so the copy is cheap.
func detachDictionaries(rec arrow.Record) arrow.Record {
	defer rec.Release()
	cols := make([]arrow.Array, rec.NumCols())
	for i, c := range rec.Columns() {
		d, ok := c.(*array.Dictionary)
		if !ok {
			c.Retain()
			cols[i] = c
			continue
		}
		src := d.Dictionary().(*array.String)
		vb := array.NewStringBuilder(memory.DefaultAllocator)
		for j := 0; j < src.Len(); j++ {
			vb.Append(src.Value(j))
		}
		vals := vb.NewArray()
		vb.Release()
		cols[i] = array.NewDictionaryArray(d.DataType(), d.Indices(), vals)
		vals.Release()
	}
	out := array.NewRecord(rec.Schema(), cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out
}
