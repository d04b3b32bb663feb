package stream

import (
	"bufio"
	"fmt"
	"io"

	"github.com/bourse/bourse/pkg/record"
)

// JSONWriters says where a JSONSink writes each kind of record; a nil
// writer drops that kind. Several kinds may share one writer.
type JSONWriters struct {
	Trades, Events, Bars, SMA, Profit, Rejects io.Writer
	Book, BookSnapshots                        io.Writer
}

// JSONSink is an Emitter that writes records as JSON Lines (docs/CONTRACT.md).
// Writes are buffered; the first write error is kept and returned by Flush.
type JSONSink struct {
	trades, events, bars, sma, profit, rejects *bufio.Writer
	book, bookSnapshots                        *bufio.Writer
	all                                        []*bufio.Writer
	buf                                        []byte
	err                                        error
}

// NewJSONSink makes a sink over the given writers.
func NewJSONSink(w JSONWriters) *JSONSink {
	s := &JSONSink{buf: make([]byte, 0, 1024)}
	seen := map[io.Writer]*bufio.Writer{}
	wrap := func(x io.Writer) *bufio.Writer {
		if x == nil {
			return nil
		}
		if b, ok := seen[x]; ok {
			return b
		}
		b := bufio.NewWriterSize(x, 64<<10)
		seen[x] = b
		s.all = append(s.all, b)
		return b
	}
	s.trades, s.events, s.bars = wrap(w.Trades), wrap(w.Events), wrap(w.Bars)
	s.sma, s.profit, s.rejects = wrap(w.SMA), wrap(w.Profit), wrap(w.Rejects)
	s.book, s.bookSnapshots = wrap(w.Book), wrap(w.BookSnapshots)
	return s
}

func (s *JSONSink) write(w *bufio.Writer) {
	if s.err != nil {
		return
	}
	s.buf = append(s.buf, '\n')
	if _, err := w.Write(s.buf); err != nil {
		s.err = fmt.Errorf("write output: %w", err)
	}
}

func (s *JSONSink) Trade(t *record.Trade) {
	if s.trades != nil {
		s.buf = record.AppendTradeJSON(s.buf[:0], t)
		s.write(s.trades)
	}
}

func (s *JSONSink) Event(e *record.Event) {
	if s.events != nil {
		s.buf = record.AppendEventJSON(s.buf[:0], e)
		s.write(s.events)
	}
}

func (s *JSONSink) Bar(b *record.Bar) {
	if s.bars != nil {
		s.buf = record.AppendBarJSON(s.buf[:0], b)
		s.write(s.bars)
	}
}

func (s *JSONSink) SMA(v *record.SMA) {
	if s.sma != nil {
		s.buf = record.AppendSMAJSON(s.buf[:0], v)
		s.write(s.sma)
	}
}

func (s *JSONSink) Profit(p *record.Profit) {
	if s.profit != nil {
		s.buf = record.AppendProfitJSON(s.buf[:0], p)
		s.write(s.profit)
	}
}

func (s *JSONSink) Reject(r *record.Reject) {
	if s.rejects != nil {
		s.buf = record.AppendRejectJSON(s.buf[:0], r)
		s.write(s.rejects)
	}
}

func (s *JSONSink) BookUpdate(u *record.BookUpdate) {
	if s.book != nil {
		s.buf = record.AppendBookUpdateJSON(s.buf[:0], u)
		s.write(s.book)
	}
}

func (s *JSONSink) BookSnapshot(v *record.BookSnapshot) {
	if s.bookSnapshots != nil {
		s.buf = record.AppendBookSnapshotJSON(s.buf[:0], v)
		s.write(s.bookSnapshots)
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
