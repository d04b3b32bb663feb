package serve

import (
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// TestStatusPhases: match's status records set each instrument's phase in
// GET /api/instruments and stream as "status" events, filtered by kind and
// instrument; a record that does not decode changes nothing.
func TestStatusPhases(t *testing.T) {
	f := newFixture(t, nil)
	all := openStream(t, f.ts.URL+"/api/stream?kinds=status,trades", f.alice, "")
	tcs := openStream(t, f.ts.URL+"/api/stream?kinds=status&instrument=TCS", f.bob, "")
	tradesOnly := openStream(t, f.ts.URL+"/api/stream?kinds=trades", f.bob, "")
	t0 := f.now.UnixMilli()
	for _, st := range []record.Status{
		{Instrument: "TCS", Phase: "PRE_OPEN", Time: t0},
		{Instrument: "INFY", Phase: "PRE_OPEN", Time: t0},
		{Instrument: "TCS", Phase: "CONTINUOUS", Time: t0 + 900_000},
		{Instrument: "TCS", Phase: "HALTED", Time: t0 + 1_000_123},
	} {
		if err := f.srv.Ingest(record.KindStatus, record.AppendStatusJSON(nil, &st)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.srv.Ingest(record.KindStatus, []byte(`{"instrument":"TCS","phase":"CLOSED"}`)); err == nil {
		t.Fatal("a status without time was ingested")
	}
	ingestTrade(t, f.srv, &record.Trade{TradeID: 1, Instrument: "INFY", Price: record.One, Quantity: record.One})

	var got []string
	for i := 0; i < 5; i++ {
		e := all.next(t, 5*time.Second)
		got = append(got, e.Event+" "+e.Data)
	}
	want := []string{
		`status {"instrument":"TCS","phase":"PRE_OPEN","time":"2026-05-01T10:00:00Z"}`,
		`status {"instrument":"INFY","phase":"PRE_OPEN","time":"2026-05-01T10:00:00Z"}`,
		`status {"instrument":"TCS","phase":"CONTINUOUS","time":"2026-05-01T10:15:00Z"}`,
		`status {"instrument":"TCS","phase":"HALTED","time":"2026-05-01T10:16:40.123Z"}`,
	}
	if strings.Join(got[:4], "\n") != strings.Join(want, "\n") || !strings.HasPrefix(got[4], "trade ") {
		t.Fatalf("alice's stream:\n%s\nwant\n%s\nthen the trade", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{want[0], want[2], want[3]} {
		if e := tcs.next(t, 5*time.Second); e.Event+" "+e.Data != w {
			t.Fatalf("bob's TCS status stream: %s %s, want %s", e.Event, e.Data, w)
		}
	}
	if e := tradesOnly.next(t, 5*time.Second); e.Event != "trade" {
		t.Fatalf("a trades-only stream got %+v", e)
	}

	var list struct{ Instruments []instrumentJSON }
	if code := f.do(t, "GET", "/api/instruments", f.bob, "", &list); code != 200 {
		t.Fatalf("instruments: %d", code)
	}
	phases := map[string]string{}
	for _, in := range list.Instruments {
		if in.Phase != "" {
			phases[in.Symbol] = in.Phase + " " + string(record.AppendTime(nil, int64(*in.PhaseSince)))
		} else if in.PhaseSince != nil {
			t.Errorf("%s: phase_since without a phase", in.Symbol)
		}
	}
	if len(phases) != 2 || phases["TCS"] != "HALTED 2026-05-01T10:16:40.123Z" || phases["INFY"] != "PRE_OPEN 2026-05-01T10:00:00Z" {
		t.Fatalf("phases %v, want TCS HALTED and INFY PRE_OPEN, no other", phases)
	}
	if code := f.do(t, "GET", "/api/stream?kinds=status,news", f.alice, "", nil); code != 400 {
		t.Errorf("unknown kind beside status: %d, want 400", code)
	}
}

// TestStatusRejectsHostile: a status record with a phase that is not one
// of the five, an instrument that is no symbol, or a time before the
// instrument's current phase is counted as bad with a reason and changes
// neither GET /api/instruments nor the stream.
func TestStatusRejectsHostile(t *testing.T) {
	f := newFixture(t, nil)
	ok := `{"instrument":"TCS","phase":"CONTINUOUS","time":"2026-05-01T10:15:00Z"}`
	if err := f.srv.Ingest(record.KindStatus, []byte(ok)); err != nil {
		t.Fatal(err)
	}
	last := f.srv.LastEventID()
	for _, c := range []struct{ line, reason, msg string }{
		{`{"instrument":"TCS","phase":"BOGUS","time":"2026-05-01T10:16:00Z"}`, record.ReasonBadField, "phase: expected"},
		{`{"instrument":"TCS","phase":"<script>","time":"2026-05-01T10:16:00Z"}`, record.ReasonBadField, "phase: expected"},
		{`{"instrument":"TCS","phase":"` + strings.Repeat("X", 70000) + `","time":"2026-05-01T10:16:00Z"}`, record.ReasonBadField, "phase: expected"},
		{`{"instrument":"","phase":"CLOSED","time":"2026-05-01T10:16:00Z"}`, record.ReasonBadField, "instrument: expected"},
		{`{"instrument":"<b>TCS","phase":"CLOSED","time":"2026-05-01T10:16:00Z"}`, record.ReasonBadField, "instrument: expected"},
		{`{"instrument":"` + strings.Repeat("Y", 70000) + `","phase":"CLOSED","time":"2026-05-01T10:16:00Z"}`, record.ReasonBadField, "instrument: expected"},
		{`{"instrument":"TCS","phase":"PRE_OPEN","time":"2026-05-01T10:14:59.999Z"}`, record.ReasonBadTimestamp, "time: expected"},
	} {
		err := f.srv.Ingest(record.KindStatus, []byte(c.line))
		if record.ReasonOf(err) != c.reason || !strings.Contains(err.Error(), c.msg) || len(err.Error()) > 300 {
			t.Errorf("%.90s: %.300v, want %s %q", c.line, err, c.reason, c.msg)
		}
	}
	if got := f.srv.LastEventID(); got != last {
		t.Errorf("rejected status records were streamed: last event id %d, want %d", got, last)
	}
	if got := f.srv.bad.Load(); got != 7 {
		t.Errorf("%d bad records counted, want 7", got)
	}
	var list struct{ Instruments []instrumentJSON }
	if code := f.do(t, "GET", "/api/instruments", f.bob, "", &list); code != 200 {
		t.Fatalf("instruments: %d", code)
	}
	var syms []string
	for _, in := range list.Instruments {
		syms = append(syms, in.Symbol)
		if in.Phase != "" && (in.Symbol != "TCS" || in.Phase != "CONTINUOUS") {
			t.Errorf("%.40s shows phase %.40s", in.Symbol, in.Phase)
		}
	}
	if strings.Join(syms, ",") != "INFY,ONGC,RIL,TCS" {
		t.Errorf("instruments %.200v, want the listed four", syms)
	}
	if err := f.srv.Ingest(record.KindStatus, []byte(`{"instrument":"TCS","phase":"halted","time":"2026-05-01T10:15:00Z"}`)); err != nil {
		t.Errorf("a phase in lower case at the same time: %v", err)
	}
}
