package stream

import (
	"bufio"
	"fmt"
	"io"

	"github.com/bourse/bourse/pkg/record"
)

// JSONWriters says where a JSONSink writes each kind of record; a nil
// writer drops that kind. Several kinds may share one writer.
type JSONWriters [record.NumKinds]io.Writer

// JSONSink is an Emitter that writes records as JSON Lines (docs/CONTRACT.md).
// Writes are buffered; the first write error is kept and returned by Flush.
type JSONSink struct {
	w   [record.NumKinds]*bufio.Writer
	all []*bufio.Writer
	buf []byte
	err error
}

// NewJSONSink makes a sink over the given writers.
func NewJSONSink(w JSONWriters) *JSONSink {
	s := &JSONSink{buf: make([]byte, 0, 1024)}
	seen := map[io.Writer]*bufio.Writer{}
	for k, x := range w {
		if x == nil {
			continue
		}
		b, ok := seen[x]
		if !ok {
			b = bufio.NewWriterSize(x, 64<<10)
			seen[x] = b
			s.all = append(s.all, b)
		}
		s.w[k] = b
	}
	return s
}

// Emit writes r as one line to its kind's writer, if it has one.
func (s *JSONSink) Emit(r record.Record) {
	w := s.w[r.Kind()]
	if w == nil || s.err != nil {
		return
	}
	s.buf = append(r.AppendJSON(s.buf[:0]), '\n')
	if _, err := w.Write(s.buf); err != nil {
		s.err = fmt.Errorf("write output: %w", err)
	}
}

// Flush writes out everything buffered and returns the first error seen.
func (s *JSONSink) Flush() error {
	for _, w := range s.all {
		if err := w.Flush(); err != nil && s.err == nil {
			s.err = fmt.Errorf("write output: %w", err)
		}
	}
	return s.err
}
