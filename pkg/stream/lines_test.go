package stream

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// echoProc emits one Reject per record carrying what it saw, so the test
// can check exactly what the runner handed over.
type echoProc struct {
	seen    []string
	offsets []int64
	flushed bool
}

func (p *echoProc) Process(r *Record, out record.Emitter) {
	p.seen = append(p.seen, string(r.Value))
	p.offsets = append(p.offsets, r.Offset)
	out.Emit(&record.Reject{Source: r.Source, Raw: string(r.Value)})
}
func (p *echoProc) Flush(record.Emitter)     { p.flushed = true }
func (p *echoProc) End(record.Emitter)       {}
func (p *echoProc) Snapshot(b []byte) []byte { return b }
func (p *echoProc) Restore([]byte) error     { return nil }

// nopEmitter drops every record; embedded under this name so that
// rangeSink's Discard method does not clash with the field.
type nopEmitter = record.Discard

type rangeSink struct {
	nopEmitter
	ranges  []Range
	offsets []int64
}

func (s *rangeSink) Stage(rs []Range, _ string) ([][]string, func() error, error) {
	var files [][]string
	for _, r := range rs {
		s.ranges = append(s.ranges, r)
		files = append(files, []string{r.String()})
	}
	return files, func() error { return nil }, nil
}
func (s *rangeSink) Publish([]string) error                { return nil }
func (s *rangeSink) Discard([]string) error                { return nil }
func (s *rangeSink) Recover(string, int32, []string) error { return nil }
func (s *rangeSink) Close() error                          { return nil }
func (s *rangeSink) Seek(_ int32, o int64)                 { s.offsets = append(s.offsets, o) }

func TestRunLinesHandsOverLinesAndRanges(t *testing.T) {
	in := "a\r\n\n  \nb\nc\nd" // CRLF, blank lines, no final newline
	p := &echoProc{}
	bs := &rangeSink{}
	st, err := RunLines(context.Background(), strings.NewReader(in), "dir/orders.jsonl", p, record.Discard{}, bs, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.seen, ","); got != "a,b,c,d" {
		t.Fatalf("lines = %q, want a,b,c,d", got)
	}
	if want := []int64{1, 4, 5, 6}; !equal(p.offsets, want) {
		t.Fatalf("offsets = %v, want %v", p.offsets, want)
	}
	if st.Lines != 4 || st.Blank != 2 || !p.flushed {
		t.Fatalf("stats = %+v flushed=%v", st, p.flushed)
	}
	want := []Range{{"orders.jsonl", 0, 1, 2}, {"orders.jsonl", 0, 3, 4}, {"orders.jsonl", 0, 5, 6}}
	if len(bs.ranges) != len(want) {
		t.Fatalf("ranges = %v, want %v", bs.ranges, want)
	}
	for i := range want {
		if bs.ranges[i] != want[i] {
			t.Fatalf("range %d = %v, want %v", i, bs.ranges[i], want[i])
		}
	}
}

func TestRunLinesCutsOversizeLines(t *testing.T) {
	huge := strings.Repeat("x", 3*MaxLine)
	p := &echoProc{}
	_, err := RunLines(context.Background(), strings.NewReader("first\n"+huge+"\nlast\n"), "-", p, record.Discard{}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.seen) != 3 || p.seen[0] != "first" || p.seen[2] != "last" {
		t.Fatalf("got %d lines, first %q", len(p.seen), p.seen[0])
	}
	if len(p.seen[1]) != MaxLine+1 {
		t.Fatalf("oversize line handed over with %d bytes, want %d", len(p.seen[1]), MaxLine+1)
	}
	if p.offsets[2] != 3 {
		t.Fatalf("line after the oversize one has offset %d, want 3", p.offsets[2])
	}
}

func TestJSONSinkSharesWriters(t *testing.T) {
	var a, b bytes.Buffer
	s := NewJSONSink(JSONWriters{record.KindTrade: &a, record.KindEvent: &a, record.KindReject: &b})
	s.Emit(&record.Trade{TradeID: 1, Instrument: "TCS", Price: record.One, Quantity: record.One, Aggressor: record.Buy})
	s.Emit(&record.Event{Type: record.Accepted, OrderID: 7, Instrument: "TCS"})
	s.Emit(&record.SMA{Instrument: "TCS"}) // no writer: dropped
	s.Emit(&record.Reject{Reason: record.ReasonBadJSON})
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(a.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"trade_id":1`) || !strings.HasPrefix(lines[1], `{"type":"ACCEPTED"`) {
		t.Fatalf("trades+events writer got %q", a.String())
	}
	if !strings.Contains(b.String(), `"reason":"BAD_JSON"`) {
		t.Fatalf("rejects writer got %q", b.String())
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// flushProc emits one record per line and one more on Flush.
type flushProc struct{ echoProc }

func (p *flushProc) Flush(out record.Emitter) { out.Emit(&record.Reject{Raw: "flush"}) }

// stagedSink counts the records emitted since the last Stage.
type stagedSink struct {
	rangeSink
	unstaged int
}

func (s *stagedSink) Emit(r record.Record) {
	if r.Kind() == record.KindReject {
		s.unstaged++
	}
}
func (s *stagedSink) Stage(rs []Range, kind string) ([][]string, func() error, error) {
	s.unstaged = 0
	return s.rangeSink.Stage(rs, kind)
}

// What Flush emits is staged with the last batch, also when the lines fill
// the batches exactly (the profit job's end-of-input ranking was left
// unstaged: "unflushed rows discarded").
func TestRunLinesStagesFlushWithLastBatch(t *testing.T) {
	for _, in := range []string{"a\nb\nc\nd\n", "a\nb\nc\nd", "a\nb\nc\n", "a\nb\nc\nd\n\n"} {
		bs := &stagedSink{}
		if _, err := RunLines(context.Background(), strings.NewReader(in), "t.jsonl", &flushProc{}, record.Discard{}, bs, 2); err != nil {
			t.Fatal(err)
		}
		if bs.unstaged != 0 {
			t.Fatalf("%q: expected every record staged, got %d left after ranges %v", in, bs.unstaged, bs.ranges)
		}
		last := bs.ranges[len(bs.ranges)-1]
		if want := int64(strings.Count(in, "\n") + 1); !strings.HasSuffix(in, "\n") && last.Last != want {
			t.Fatalf("%q: expected the last range to end at line %d, got %v", in, want, last)
		}
	}
}
