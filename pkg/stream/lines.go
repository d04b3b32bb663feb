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
	var st LineStats
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
	br := bufio.NewReaderSize(r, 256<<10)
	line := make([]byte, 0, 4096)
	var lineNo, first int64 = 0, 1
	rec := Record{Source: src}
	flush := func(last int64) error {
		if batches == nil || last < first {
			return nil
		}
		files, sync, err := batches.Stage([]Range{{Source: src, Partition: 0, First: first, Last: last}}, "lines")
		if err == nil {
			err = sync()
		}
		if err == nil {
			err = batches.Publish(files[0])
		}
		if err != nil {
			return fmt.Errorf("flush batch of lines %d-%d: %w", first, last, err)
		}
		first = last + 1
		return nil
	}
	for {
		if lineNo%4096 == 0 && ctx.Err() != nil {
			return st, ctx.Err()
		}
		var err error
		line, err = readLine(br, line[:0])
		if len(line) > 0 || err == nil {
			// A full batch is staged once the next line exists, so that
			// the last batch is staged after proc.Flush, with what it
			// emits, even when the lines fill the batches exactly.
			if lineNo-first+1 >= int64(batchLines) {
				if ferr := flush(lineNo); ferr != nil {
					return st, ferr
				}
			}
			lineNo++
			if len(bytes.TrimSpace(line)) == 0 {
				st.Blank++
			} else {
				st.Lines++
				rec.Value, rec.Offset = line, lineNo
				if batches != nil {
					batches.Seek(0, lineNo)
				}
				proc.Process(&rec, emit)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, fmt.Errorf("read %s at line %d: %w", src, lineNo+1, err)
		}
	}
	if batches != nil {
		batches.Seek(0, lineNo)
	}
	proc.Flush(emit)
	return st, flush(lineNo)
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
