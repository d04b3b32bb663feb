package columnar

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

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
// stream.BatchSink with one set of buffers per input partition; it also
// takes orders (Order), which are not an output kind. It is
// not safe for concurrent use.
//
// Seek tells the writer which partition and input offset the following
// outputs come from, so that every row records the offset that produced it
// (the hidden _src_offset column) and lands in its partition's files.
//
// Rejects have no event time: they are filed under the day of the latest
// event time the writer has seen in any dataset (1970-01-01 before any).
type BatchWriter struct {
	dir       string
	prefix    string
	datasets  []Dataset
	mem       memory.Allocator
	parts     map[int32]*partBuffers
	cur       *partBuffers
	offset    int64
	watermark int64
	closed    bool
	bufs      []*seekBuffer // encode buffers, one per partition written at once
	bookRows  []BookRow     // BookUpdate's scratch
}

// partBuffers holds one input partition's rows between flushes.
type partBuffers struct {
	bufs []batchBuffer

	orders  *buffer[record.Order]
	trades  *buffer[record.Trade]
	events  *buffer[record.Event]
	bars    *buffer[record.Bar]
	smas    *buffer[record.SMA]
	profits *buffer[record.Profit]
	rejects *buffer[record.Reject]
	book    *buffer[BookRow]
	status  *buffer[record.Status]
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
	for _, d := range datasets {
		if !slices.Contains(AllDatasets, d) {
			_, err := ParseDataset(string(d))
			return nil, fmt.Errorf("batch writer: %w", err)
		}
	}
	w := &BatchWriter{dir: dir, datasets: datasets, mem: memory.DefaultAllocator, parts: map[int32]*partBuffers{}, offset: -1}
	w.cur = w.part(0)
	return w, nil
}

// part returns partition p's buffers, creating them on first use.
func (w *BatchWriter) part(p int32) *partBuffers {
	if pb, ok := w.parts[p]; ok {
		return pb
	}
	pb := &partBuffers{}
	for _, d := range w.datasets {
		switch d {
		case Orders:
			pb.orders = addBuffer(pb, OrderCodec)
		case Trades:
			pb.trades = addBuffer(pb, TradeCodec)
		case Events:
			pb.events = addBuffer(pb, EventCodec)
		case Bars:
			pb.bars = addBuffer(pb, BarCodec)
		case SMAs:
			pb.smas = addBuffer(pb, SMACodec)
		case Profits:
			pb.profits = addBuffer(pb, ProfitCodec)
		case Rejects:
			pb.rejects = addBuffer(pb, RejectCodec)
		case Book:
			pb.book = addBuffer(pb, BookCodec)
		case Statuses:
			pb.status = addBuffer(pb, StatusCodec)
		}
	}
	w.parts[p] = pb
	return pb
}

func addBuffer[T any](pb *partBuffers, c *Codec[T]) *buffer[T] {
	for _, b := range pb.bufs {
		if b, ok := b.(*buffer[T]); ok {
			return b
		}
	}
	b := &buffer[T]{codec: c}
	pb.bufs = append(pb.bufs, b)
	return b
}

// SetAllocator sets the allocator of the Arrow builders (the default is
// memory.DefaultAllocator). Call it before the first Flush.
func (w *BatchWriter) SetAllocator(mem memory.Allocator) { w.mem = mem }

// SetPrefix sets a prefix of every file's source name (a job's name and a
// dot, "sma."), so that two jobs writing one dataset (sma and profit both
// write rejects) into one directory never collide.
func (w *BatchWriter) SetPrefix(prefix string) { w.prefix = prefix }

// Seek tells the writer that the following outputs come from input offset
// off of partition p.
func (w *BatchWriter) Seek(p int32, off int64) {
	if w.cur == nil || w.parts[p] != w.cur {
		w.cur = w.part(p)
	}
	w.offset = off
}

// SetOffset is Seek on partition 0 (file mode, one input).
func (w *BatchWriter) SetOffset(offset int64) { w.Seek(0, offset) }

// see advances the watermark to t and returns t.
func (w *BatchWriter) see(t int64) int64 {
	if t > w.watermark {
		w.watermark = t
	}
	return t
}

// Order buffers an order.
func (w *BatchWriter) Order(o *record.Order) { w.cur.orders.add(w, o, w.see(o.Time)) }

// Emit buffers r in its kind's dataset, if the writer keeps it. A reject
// is filed under the latest event time seen; a book update becomes one
// book row per level it changed; book snapshots are not kept (the book
// dataset's rows rebuild the book from the first update, and snapshots are
// for joining a live stream).
func (w *BatchWriter) Emit(r record.Record) {
	pb := w.cur
	switch r := r.(type) {
	case *record.Trade:
		pb.trades.add(w, r, w.see(r.Time))
	case *record.Event:
		pb.events.add(w, r, w.see(r.Time))
	case *record.Bar:
		pb.bars.add(w, r, w.see(r.Start))
	case *record.SMA:
		pb.smas.add(w, r, w.see(r.WindowStart))
	case *record.Profit:
		pb.profits.add(w, r, w.see(r.WindowStart))
	case *record.Reject:
		pb.rejects.add(w, r, w.watermark)
	case *record.Status:
		pb.status.add(w, r, w.see(r.Time))
	case *record.BookUpdate:
		if pb.book == nil {
			return
		}
		w.see(r.Time)
		w.bookRows = BookRows(w.bookRows[:0], r)
		for i := range w.bookRows {
			pb.book.add(w, &w.bookRows[i], r.Time)
		}
	}
}

// Pending is the number of rows emitted since the last successful Flush or
// Stage, over every partition.
func (w *BatchWriter) Pending() int {
	n := 0
	for _, pb := range w.parts {
		n += pb.pending()
	}
	return n
}

func (pb *partBuffers) pending() int {
	n := 0
	for _, b := range pb.bufs {
		n += b.len()
	}
	return n
}

// Flush writes partition r.Partition's buffered rows as one visible file
// per dataset and day, named after r, and forgets them: Stage and Publish
// in one step, for inputs that need no transaction (files, produce). A row
// that could not be converted (a value outside decimal(18,8)) fails the
// Flush; nothing is forgotten then, so a retry writes the same files. Flush
// with no rows writes nothing.
func (w *BatchWriter) Flush(r stream.Range) error {
	_, err := w.FlushStats(r)
	return err
}

// FlushStats is Flush, also reporting what it wrote.
func (w *BatchWriter) FlushStats(r stream.Range) (FlushStats, error) {
	var st FlushStats
	files, err := w.stage(r, "")
	if err != nil || len(files) == 0 {
		return st, err
	}
	if err := w.write(files, []int32{r.Partition}, &st); err != nil {
		return st, err
	}
	rels := make([]string, len(files))
	for i, f := range files {
		rels[i] = f.rel
	}
	return st, w.Publish(rels)
}

// Stage stages the buffered rows of each range's partition as hidden
// pending files (one per dataset and day) that carry the transaction's
// name txn. It returns at once each range's file names, as paths relative
// to the directory (for Publish, Discard and the runner's snapshot), and
// sync, which encodes and writes the files, fsyncs them together (in
// parallel, each directory once) and then forgets the rows. The caller
// overlaps sync with other work — the runner flushes its outputs
// meanwhile — and must not use the writer until sync has returned; a
// transaction must not commit unless sync returned nil. On error sync
// removes what it wrote.
func (w *BatchWriter) Stage(rs []stream.Range, txn string) (files [][]string, sync func() error, err error) {
	if txn == "" || strings.ContainsAny(txn, "/\\.\x00") {
		return nil, nil, fmt.Errorf("batch stage: transaction name %q: want a non-empty name without dots or separators", txn)
	}
	out := make([][]string, len(rs))
	var planned []plannedFile
	var all []string
	ps := make([]int32, len(rs))
	for i, r := range rs {
		fs, err := w.stage(r, txn)
		if err != nil {
			return nil, nil, err
		}
		ps[i] = r.Partition
		planned = append(planned, fs...)
		for _, f := range fs {
			out[i] = append(out[i], f.rel)
			all = append(all, f.rel)
		}
	}
	sync = func() error {
		var st FlushStats
		err := w.write(planned, ps, &st)
		if err == nil {
			err = syncStaged(w.dir, all)
		}
		if err != nil {
			w.removeStaged(all)
			return fmt.Errorf("batch stage: %w", err)
		}
		return nil
	}
	return out, sync, nil
}

// stage plans partition r.Partition's files (nil when it has no rows).
func (w *BatchWriter) stage(r stream.Range, txn string) ([]plannedFile, error) {
	if w.closed {
		return nil, ErrClosed
	}
	pb := w.parts[r.Partition]
	if pb == nil || pb.pending() == 0 {
		return nil, nil
	}
	r.Source = w.prefix + r.Source
	if err := checkRange(r); err != nil {
		return nil, fmt.Errorf("batch flush: %w", err)
	}
	var files []plannedFile
	for _, b := range pb.bufs {
		files = append(files, b.plan(w, r, txn)...)
	}
	return files, nil
}

// write encodes and writes planned files, then forgets the rows of the
// partitions ps. Partitions are encoded in parallel (each has buffers of
// its own), each with an encode buffer of its own. On error nothing is
// forgotten.
func (w *BatchWriter) write(files []plannedFile, ps []int32, st *FlushStats) error {
	var groups [][]plannedFile
	at := map[int32]int{}
	for _, f := range files {
		i, ok := at[f.part]
		if !ok {
			i = len(groups)
			at[f.part] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], f)
	}
	for len(w.bufs) < len(groups) {
		w.bufs = append(w.bufs, &seekBuffer{})
	}
	stats := make([]FlushStats, len(groups))
	errs := make([]error, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range g {
				if err := f.write(w.bufs[i], &stats[i]); err != nil {
					errs[i] = fmt.Errorf("batch flush %s: %w", f.rel, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, s := range stats {
		st.Files += s.Files
		st.Rows += s.Rows
		st.Bytes += s.Bytes
	}
	for _, p := range ps {
		for _, b := range w.parts[p].bufs {
			b.reset()
		}
	}
	w.offset = -1
	return nil
}

// Publish makes staged files visible by renaming each to its final name.
// Files already published (or removed by the archive since) are skipped,
// so publishing twice is harmless.
func (w *BatchWriter) Publish(files []string) error {
	dirs := map[string]bool{}
	for _, f := range files {
		final, ok := publishedName(f)
		if !ok {
			continue // a visible file already (Flush)
		}
		src, dst := filepath.Join(w.dir, f), filepath.Join(w.dir, final)
		if err := os.Rename(src, dst); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return fmt.Errorf("batch publish: %w", err)
		}
		dirs[filepath.Dir(dst)] = true
	}
	for d := range dirs {
		if err := SyncDir(d); err != nil {
			return fmt.Errorf("batch publish: %w", err)
		}
	}
	return nil
}

// Discard forgets every partition's buffered rows and deletes the staged
// files of a transaction that did not commit.
func (w *BatchWriter) Discard(staged []string) error {
	for _, pb := range w.parts {
		for _, b := range pb.bufs {
			b.reset()
		}
	}
	w.offset = -1
	var errs []error
	for _, f := range staged {
		if _, ok := publishedName(f); !ok {
			continue
		}
		if err := os.Remove(filepath.Join(w.dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("batch discard: %w", err)
	}
	return nil
}

// Recover repairs the batch files of input partition p of source after a
// restart: the files of the last committed transaction (committed, as
// staged) are published if they are still pending, and every other
// pending file of that source and partition is deleted.
func (w *BatchWriter) Recover(source string, p int32, committed []string) error {
	if err := w.Publish(committed); err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, f := range committed {
		keep[filepath.Join(w.dir, f)] = true
	}
	stale, err := pendingFiles(w.dir, w.prefix+source, p)
	if err != nil {
		return fmt.Errorf("batch recover: %w", err)
	}
	for _, f := range stale {
		if keep[f] {
			continue
		}
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("batch recover: %w", err)
		}
	}
	return nil
}

// Close releases the builders. Rows not flushed are discarded and reported
// with ErrUnflushed.
func (w *BatchWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	n := w.Pending()
	for _, pb := range w.parts {
		for _, b := range pb.bufs {
			b.release()
		}
	}
	if n > 0 {
		return fmt.Errorf("batch writer close: %d %w", n, ErrUnflushed)
	}
	return nil
}

type batchBuffer interface {
	len() int
	plan(w *BatchWriter, r stream.Range, txn string) []plannedFile
	reset()
	release()
}

// plannedFile is one file a flush or a stage will write: its path
// relative to the directory, and the function that encodes and writes it.
type plannedFile struct {
	rel   string
	part  int32
	write func(buf *seekBuffer, st *FlushStats) error
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

// plan lists the files of b's rows: one per day, named after r and txn.
func (b *buffer[T]) plan(w *BatchWriter, r stream.Range, txn string) []plannedFile {
	if len(b.rows) == 0 {
		return nil
	}
	days := slices.Clone(b.days)
	slices.Sort(days)
	days = slices.Compact(days)
	out := make([]plannedFile, len(days))
	for i, day := range days {
		rel := filepath.Join(string(b.codec.Dataset), DayDir(day), stagedName(r.String()+BatchExt, txn))
		out[i] = plannedFile{rel: rel, part: r.Partition, write: func(buf *seekBuffer, st *FlushStats) error { return b.writeDay(w, buf, r, day, rel, st) }}
	}
	return out
}

// writeDay encodes the rows of day as one Arrow IPC file at rel.
func (b *buffer[T]) writeDay(w *BatchWriter, buf *seekBuffer, r stream.Range, day int64, rel string, st *FlushStats) error {
	if b.rb == nil {
		b.rb = array.NewRecordBuilder(w.mem, b.codec.Schema)
	}
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
	size, err := w.writeRecord(buf, filepath.Join(w.dir, rel), rec)
	rec.Release()
	if err != nil {
		return err
	}
	st.Files++
	st.Rows += n
	st.Bytes += size
	return nil
}

// writeRecord encodes rec as an Arrow IPC file in memory and writes it
// atomically to path.
func (w *BatchWriter) writeRecord(buf *seekBuffer, path string, rec arrow.Record) (int64, error) {
	buf.b = buf.b[:0]
	fw, err := ipc.NewFileWriter(buf, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(w.mem))
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
	if _, staged := publishedName(path); staged {
		// A pending name is private to its transaction and unique: written
		// in place, and made durable by Stage's syncStaged.
		err = writeFile(path, buf.b)
	} else {
		err = WriteFileAtomic(path, func(f io.Writer) error {
			_, err := f.Write(buf.b)
			return err
		})
	}
	return int64(len(buf.b)), err
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
