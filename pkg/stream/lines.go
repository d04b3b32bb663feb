package stream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/bourse/bourse/pkg/record"
)

// MaxLine is the longest input line handed to a processor in full. Longer
// lines are cut to MaxLine+1 bytes, which decoders reject as oversize; the
// rest of the line is skipped, so one huge line never costs more memory.
const MaxLine = 64 << 10

// DefaultBatchLines is the number of input lines per micro-batch when
// RunLines is given none (batchLines <= 0).
const DefaultBatchLines = 100_000

// LineStats says what a line runner read.
type LineStats struct {
	Lines int64 // non-blank lines handed to the processor
	Blank int64 // blank lines skipped
}

// RunLines feeds every line of r to proc as one Record (Partition 0, Offset
// = line number from 1, Source = name), then flushes proc. Outputs go to out
// and, when batches is not nil, to batches too, flushed every batchLines
// lines and at the end with the file's line range. It returns early only on
// a read error or a failed batch flush, or when ctx is done.
func RunLines(ctx context.Context, r io.Reader, name string, proc Processor, out record.Emitter, batches BatchSink, batchLines int) (LineStats, error) {
	f := newFeeder(name, proc, out, batches, batchLines)
	br := bufio.NewReaderSize(r, 256<<10)
	line := make([]byte, 0, 4096)
	for {
		if f.lineNo%4096 == 0 && ctx.Err() != nil {
			return f.st, ctx.Err()
		}
		var err error
		line, err = readLine(br, line[:0])
		if len(line) > 0 || err == nil {
			if ferr := f.feed(line, nil); ferr != nil {
				return f.st, ferr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return f.st, fmt.Errorf("read %s at line %d: %w", f.src, f.lineNo+1, err)
		}
	}
	return f.st, f.finish()
}

// RunDecoded is RunLines over records that come decoded (replays of
// archived rows): each calls fn once per record in order, and fn hands it
// to proc as the record of the next line, with Decoded set to it and Value
// empty, or with Value set when it is nil (a row replayed as JSON text).
// Line numbers, batches and flushing are those of RunLines over the JSON
// Lines the records would be. An error from each ends the run like a read
// error.
func RunDecoded(ctx context.Context, name string, each func(fn func(value []byte, decoded any) error) error, proc Processor, out record.Emitter, batches BatchSink, batchLines int) (LineStats, error) {
	f := newFeeder(name, proc, out, batches, batchLines)
	err := each(func(value []byte, decoded any) error {
		if f.lineNo%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		return f.feed(value, decoded)
	})
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return f.st, err
	}
	if err != nil {
		return f.st, fmt.Errorf("read %s at line %d: %w", f.src, f.lineNo+1, err)
	}
	return f.st, f.finish()
}

// feeder hands numbered lines to a processor and flushes the batches every
// batchLines lines.
type feeder struct {
	proc          Processor
	emit          record.Emitter
	batches       BatchSink
	batchLines    int
	src           string
	lineNo, first int64
	rec           Record
	st            LineStats
}

func newFeeder(name string, proc Processor, out record.Emitter, batches BatchSink, batchLines int) *feeder {
	if batchLines <= 0 {
		batchLines = DefaultBatchLines
	}
	emit := out
	if batches != nil {
		emit = record.Fanout{out, batches}
	}
	src := filepath.Base(name)
	if name == "-" || name == "" {
		src = "stdin"
	}
	return &feeder{proc: proc, emit: emit, batches: batches, batchLines: batchLines, src: src, first: 1, rec: Record{Source: src}}
}

// feed hands over the next line (or decoded record).
func (f *feeder) feed(line []byte, decoded any) error {
	// A full batch is staged once the next line exists, so that the last
	// batch is staged after proc.Flush, with what it emits, even when the
	// lines fill the batches exactly.
	if f.lineNo-f.first+1 >= int64(f.batchLines) {
		if err := f.flush(f.lineNo); err != nil {
			return err
		}
	}
	f.lineNo++
	if decoded == nil && len(bytes.TrimSpace(line)) == 0 {
		f.st.Blank++
		return nil
	}
	f.st.Lines++
	f.rec.Value, f.rec.Decoded, f.rec.Offset = line, decoded, f.lineNo
	if f.batches != nil {
		f.batches.Seek(0, f.lineNo)
	}
	f.proc.Process(&f.rec, f.emit)
	return nil
}

// finish flushes the processor and the last batch.
func (f *feeder) finish() error {
	if f.batches != nil {
		f.batches.Seek(0, f.lineNo)
	}
	f.proc.Flush(f.emit)
	return f.flush(f.lineNo)
}

func (f *feeder) flush(last int64) error {
	if f.batches == nil || last < f.first {
		return nil
	}
	files, sync, err := f.batches.Stage([]Range{{Source: f.src, Partition: 0, First: f.first, Last: last}}, "lines")
	if err == nil {
		err = sync()
	}
	if err == nil {
		err = f.batches.Publish(files[0])
	}
	if err != nil {
		return fmt.Errorf("flush batch of lines %d-%d: %w", f.first, last, err)
	}
	f.first = last + 1
	return nil
}

// readLine appends the next line (without its newline, and without a
// trailing \r) to dst, keeping at most MaxLine+1 bytes of it.
func readLine(br *bufio.Reader, dst []byte) ([]byte, error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if room := MaxLine + 1 - len(dst); room > 0 {
			if len(chunk) > room {
				dst = append(dst, chunk[:room]...)
			} else {
				dst = append(dst, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		n := len(dst)
		if n > 0 && dst[n-1] == '\n' {
			n--
		}
		if n > 0 && dst[n-1] == '\r' {
			n--
		}
		return dst[:n], err
	}
}
