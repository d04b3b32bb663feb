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
