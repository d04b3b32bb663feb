package book

import (
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// testSession is a day in ms from Unix midnight (UTC): pre-open from 100,
// the auction at 200, a buffer until 300, continuous until 400.
var testSession = Session{PreOpen: 100, Auction: 200, Open: 300, Close: 400}

func TestPhases(t *testing.T) {
	s := testSession
	runRules(t, []ruleCase{
		{name: "pre-open: orders rest crossed, nothing matches", session: s,
			setup: []ord{sell(1, 100, 5).at(150)},
			in:    buy(2, 101, 5).at(160),
			want:  []string{"ACCEPTED 2 101x5 L5 F0"},
			book:  "B 101x5/1 | A 100x5/1"},
		{name: "pre-open rejects orders that cannot wait for the auction", session: s,
			setup: []ord{sell(1, 100, 5).at(150)},
			in:    buy(2, 0, 5).market().at(160),
			want:  []string{"REJECTED 2 PRE_OPEN"},
			book:  "B | A 100x5/1"},
		{name: "pre-open rejects IOC", session: s,
			in:   buy(2, 100, 5).ioc().at(160),
			want: []string{"STATUS PRE_OPEN @160", "REJECTED 2 PRE_OPEN"}}, // the first order reports the phase it finds
		{name: "pre-open rejects POST_ONLY", session: s,
			in:   buy(2, 100, 5).postOnly().at(160),
			want: []string{"STATUS PRE_OPEN @160", "REJECTED 2 PRE_OPEN"}},
		{name: "pre-open accepts a stop", session: s,
			in:   buy(2, 0, 5).market().ioc().stopAt(100).at(160),
			want: []string{"STATUS PRE_OPEN @160", "ACCEPTED 2 0x5 L5 F0"}},
		{name: "a crossing replace in pre-open does not trade", session: s,
			setup: []ord{sell(1, 100, 5).at(150), buy(2, 98, 5).by("bob").at(151)},
			in:    replaceOf(2, 102, 5).by("bob").at(160),
			want:  []string{"REPLACED 2 102x5 L5 F0"},
			book:  "B 102x5/1 | A 100x5/1"},
		{name: "CANCEL_ALL during pre-open", session: s,
			setup: []ord{sell(1, 100, 5).by("ann").at(150), buy(2, 101, 5).by("ann").at(151), buy(3, 99, 1).by("bob").at(152),
				buy(4, 0, 1).market().stopAt(105).by("ann").at(153)},
			in: cancelAllOf("ann", 0).at(160),
			want: []string{"CANCELLED 2 101x5 L0 F0 MASS_CANCEL", "CANCELLED 1 100x5 L0 F0 MASS_CANCEL",
				"CANCELLED 4 0x1 L0 F0 MASS_CANCEL"},
			book: "B 99x1/1 | A"},
		{name: "the auction uncrosses at the end of pre-open, then the buffer", session: s,
			setup: []ord{sell(1, 100, 5).at(150), buy(2, 101, 3).at(151), buy(3, 100, 4).at(152)},
			in:    cancelOf(99).at(200),
			want: []string{
				"T1 100x3 b2 s1 UNKNOWN", "FILL 2 100x3 L0 F3 #1", "PARTIAL_FILL 1 100x3 L2 F3 #1",
				"T2 100x2 b3 s1 UNKNOWN", "PARTIAL_FILL 3 100x2 L2 F2 #2", "FILL 1 100x2 L0 F5 #2",
				"STATUS BUFFER @200", "REJECTED 99 UNKNOWN_ORDER"},
			book: "B 100x2/1 | A"},
		{name: "no cross: no auction trades; each boundary in order", session: s,
			setup: []ord{sell(1, 101, 5).at(150), buy(2, 100, 5).at(151)},
			in:    buy(3, 99, 1).at(310),
			want:  []string{"STATUS BUFFER @200", "STATUS CONTINUOUS @300", "ACCEPTED 3 99x1 L1 F0"},
			book:  "B 100x5/1 99x1/1 | A 101x5/1"},
		{name: "the buffer rejects NEW and REPLACE", session: s,
			setup: []ord{sell(1, 101, 5).by("ann").at(150), buy(2, 100, 5).at(250)},
			in:    replaceOf(1, 102, 5).by("ann").at(260),
			want:  []string{"REJECTED 1 CLOSED"},
			book:  "B | A 101x5/1"},
		{name: "closed rejects a NEW", session: s,
			setup: []ord{sell(1, 101, 5).at(310)},
			in:    buy(2, 100, 5).at(450),
			want:  []string{"STATUS CLOSED @400", "REJECTED 2 CLOSED"},
			book:  "B | A 101x5/1"},
		{name: "closed: a cancel works", session: s,
			setup: []ord{sell(1, 101, 5).at(310), buy(3, 99, 1).at(450)},
			in:    cancelOf(1).at(460),
			want:  []string{"CANCELLED 1 101x5 L0 F0"},
			book:  "B | A"},
		{name: "auction at the open: no buffer", session: Session{PreOpen: 100, Auction: 300, Open: 300, Close: 400},
			setup: []ord{sell(1, 100, 5).at(150), buy(2, 101, 3).at(151)},
			in:    buy(3, 100, 4).at(300),
			want: []string{"T1 100x3 b2 s1 UNKNOWN", "FILL 2 100x3 L0 F3 #1", "PARTIAL_FILL 1 100x3 L2 F3 #1",
				"STATUS CONTINUOUS @300", "ACCEPTED 3 100x4 L4 F0",
				"T2 100x2 b3 s1 BUY", "PARTIAL_FILL 3 100x2 L2 F2 #2", "FILL 1 100x2 L0 F5 #2"},
			book: "B 100x2/1 | A"},
		{name: "a stop triggered by the auction price enters at the open", session: s,
			setup: []ord{sell(1, 100, 5).at(150), buy(2, 100, 3).at(151), sell(3, 102, 4).at(152),
				buy(9, 0, 2).market().stopAt(100).at(153)},
			in: cancelOf(99).at(300),
			want: []string{
				"T1 100x3 b2 s1 UNKNOWN", "FILL 2 100x3 L0 F3 #1", "PARTIAL_FILL 1 100x3 L2 F3 #1",
				"STATUS BUFFER @200", "STATUS CONTINUOUS @300", "TRIGGERED 9 0x2 L2 F0",
				"T2 100x2 b9 s1 BUY", "FILL 9 100x2 L0 F2 #2", "FILL 1 100x2 L0 F5 #2",
				"REJECTED 99 UNKNOWN_ORDER"},
			book: "B | A 102x4/1"},
		{name: "an iceberg's reserve trades in the auction", session: s,
			setup: []ord{sell(1, 100, 5).iceberg(2).at(150), sell(2, 100, 1).at(151), buy(3, 101, 4).at(152)},
			in:    cancelOf(99).at(200),
			want: []string{
				"T1 100x2 b3 s1 UNKNOWN", "PARTIAL_FILL 3 100x2 L2 F2 #1", "PARTIAL_FILL 1 100x2 L3 F2 #1",
				"T2 100x1 b3 s2 UNKNOWN", "PARTIAL_FILL 3 100x1 L1 F3 #2", "FILL 2 100x1 L0 F1 #2",
				"T3 100x1 b3 s1 UNKNOWN", "FILL 3 100x1 L0 F4 #3", "PARTIAL_FILL 1 100x1 L2 F3 #3",
				"STATUS BUFFER @200", "REJECTED 99 UNKNOWN_ORDER"},
			book: "B | A 100x1/1"},
		{name: "DAY orders expire at the close, pending stops too", session: s,
			setup: []ord{buy(1, 99, 2).day().at(310), buy(2, 98, 1).at(311), sell(3, 105, 1).day().at(312),
				sell(4, 90, 1).stopAt(95).day().at(313)},
			in: cancelOf(2).at(401),
			want: []string{"STATUS CLOSED @400", "EXPIRED 1 99x2 L0 F0", "EXPIRED 3 105x1 L0 F0", "EXPIRED 4 90x1 L0 F0",
				"CANCELLED 2 98x1 L0 F0"},
			book: "B | A"},
		{name: "an expiry before a boundary comes first", session: s,
			setup: []ord{buy(1, 99, 2).day().at(310), buy(2, 98, 1).at(311).expires(350)},
			in:    cancelOf(9).at(401),
			want:  []string{"EXPIRED 2 98x1 L0 F0", "STATUS CLOSED @400", "EXPIRED 1 99x2 L0 F0", "REJECTED 9 UNKNOWN_ORDER"},
			book:  "B | A"},
		{name: "a jump over whole days skips them", session: s,
			setup: []ord{buy(1, 99, 1).day().at(310), buy(2, 98, 1).at(311)},
			in:    buy(3, 97, 1).at(3*Day + 150),
			want:  []string{"STATUS CLOSED @400", "EXPIRED 1 99x1 L0 F0", "STATUS PRE_OPEN @259200100", "ACCEPTED 3 97x1 L1 F0"},
			book:  "B 98x1/1 97x1/1 | A"},
		{name: "a DAY order without a session rests like GTC",
			setup: []ord{sell(1, 101, 5).at(310)},
			in:    buy(2, 100, 5).day().at(5 * Day),
			want:  []string{"ACCEPTED 2 100x5 L5 F0"},
			book:  "B 100x5/1 | A 101x5/1"},
		{name: "DAY IOC is a bad kind",
			in:   ord{id: 2, side: record.Buy, tif: 4, ticks: 100, lots: 1, display: 1},
			want: []string{"REJECTED 2 BAD_FIELD"}},
	})
}

// TestAuctionPrice: maximum volume, then minimum imbalance, then closest
// to the reference (Session.Ref, or the last trade), then the lower.
func TestAuctionPrice(t *testing.T) {
	for _, c := range []struct {
		name  string
		ref   int64
		setup []ord
		want  int64
	}{
		{"maximum volume", 0, []ord{buy(1, 102, 6), buy(2, 101, 2), sell(3, 100, 4), sell(4, 101, 3)}, 101},
		{"volume ties: minimum imbalance", 0, []ord{buy(1, 102, 5), buy(2, 101, 1), sell(3, 100, 5)}, 102},
		{"volume and imbalance tie: closest to the reference above", 102, []ord{buy(1, 103, 5), sell(2, 100, 5)}, 103},
		{"volume and imbalance tie: closest to the reference below", 101, []ord{buy(1, 103, 5), sell(2, 100, 5)}, 100},
		{"volume and imbalance tie, no reference: the lowest", 0, []ord{buy(1, 103, 5), sell(2, 100, 5), sell(3, 101, 0)}, 100},
		{"equally close: the lower", 101, []ord{buy(1, 102, 5), sell(2, 100, 5)}, 100},
		{"the reference beyond the crossed range", 110, []ord{buy(1, 103, 5), sell(2, 100, 5), sell(3, 104, 1)}, 103},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := New(testInst, PriceTime, 4)
			s := testSession
			s.Ref = c.ref
			if err := b.SetSession(s); err != nil {
				t.Fatal(err)
			}
			for i, o := range c.setup {
				if o.lots == 0 {
					continue
				}
				b.Apply(o.at(150).lean(uint64(i+1)), nil)
			}
			var rec leanRecorder
			b.Apply(cancelOf(99).at(200).lean(9), &rec)
			if len(rec.outs) == 0 || !rec.outs[0].trade || rec.outs[0].t.Ticks != c.want {
				t.Fatalf("auction reports %v, want trades at %d", rec.outs, c.want)
			}
			if err := checkInvariants(b); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestAuctionRefIsLastTrade: after a trade, the last trade price is the
// reference, not Session.Ref.
func TestAuctionRefIsLastTrade(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	s := testSession
	s.Ref = 102
	if err := b.SetSession(s); err != nil {
		t.Fatal(err)
	}
	for i, o := range []ord{sell(5, 99, 1).at(310), buy(6, 99, 1).at(311), buy(1, 103, 5).at(Day + 150), sell(2, 100, 5).at(Day + 151)} {
		b.Apply(o.lean(uint64(i+1)), nil)
	}
	var rec leanRecorder
	b.Apply(cancelOf(99).at(Day+200).lean(9), &rec)
	if len(rec.outs) == 0 || !rec.outs[0].trade || rec.outs[0].t.Ticks != 100 {
		t.Fatalf("auction reports %v, want trades at 100 (closest to the last trade 99)", rec.outs)
	}
}

func TestSetSession(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	for _, s := range []Session{{PreOpen: 200, Auction: 100, Open: 300, Close: 400}, {PreOpen: 100, Auction: 300, Open: 200, Close: 400},
		{PreOpen: 100, Auction: 200, Open: 300, Close: Day + 1}, {Offset: Day, PreOpen: 1, Auction: 2, Open: 3, Close: 4}} {
		if err := b.SetSession(s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if err := New(testInst, Exact, 4).SetSession(testSession); err == nil {
		t.Error("exact policy accepted a session")
	}
	// The phase at the clock, with an offset: 09:05 IST is pre-open.
	const hour, minute = 3_600_000, 60_000
	nse := Session{Offset: 19_800_000, PreOpen: 9 * hour, Auction: 9*hour + 8*minute, Open: 9*hour + 15*minute, Close: 15*hour + 30*minute}
	b.Apply(buy(1, 100, 1).at(1_700_000_000_000/Day*Day+3*hour+35*minute).lean(1), nil) // 09:05 IST
	if err := b.SetSession(nse); err != nil {
		t.Fatal(err)
	}
	if b.Phase() != PreOpen {
		t.Fatalf("phase %s at 09:05 IST, want PRE_OPEN", b.Phase())
	}
}

// haltSession is testSession with halts 5% from 100 ticks, for 20 ms.
var haltSession = Session{PreOpen: 100, Auction: 200, Open: 300, Close: 400, Ref: 100, HaltBP: 500, HaltFor: 20}

func TestHalts(t *testing.T) {
	s := haltSession
	sweep := []ord{sell(1, 101, 2).at(310), sell(2, 104, 2).at(311), sell(3, 106, 2).at(312), sell(4, 110, 1).at(313)}
	runRules(t, []ruleCase{
		{name: "a halt inside a sweep: it stops before the level that would breach", session: s,
			setup: sweep,
			in:    buy(9, 110, 10).at(320),
			want: []string{"ACCEPTED 9 110x10 L10 F0",
				"T1 101x2 b9 s1 BUY", "PARTIAL_FILL 9 101x2 L8 F2 #1", "FILL 1 101x2 L0 F2 #1",
				"T2 104x2 b9 s2 BUY", "PARTIAL_FILL 9 104x2 L6 F4 #2", "FILL 2 104x2 L0 F2 #2",
				"STATUS HALTED @320"},
			book: "B 110x6/1 | A 106x2/1 110x1/1"},
		{name: "the halt ends with a call auction, then continuous trading", session: s,
			setup: append(sweep, buy(9, 110, 10).at(320), buy(8, 107, 1).at(330)),
			in:    cancelOf(99).at(340),
			want: []string{
				"T3 110x2 b9 s3 UNKNOWN", "PARTIAL_FILL 9 110x2 L4 F6 #3", "FILL 3 110x2 L0 F2 #3",
				"T4 110x1 b9 s4 UNKNOWN", "PARTIAL_FILL 9 110x1 L3 F7 #4", "FILL 4 110x1 L0 F1 #4",
				"STATUS CONTINUOUS @340", "REJECTED 99 UNKNOWN_ORDER"},
			book: "B 110x3/1 107x1/1 | A"},
		{name: "halted: a MARKET is rejected as in pre-open", session: s,
			setup: append(sweep, buy(9, 110, 10).at(320)),
			in:    buy(8, 0, 1).market().at(330),
			want:  []string{"REJECTED 8 PRE_OPEN"}},
		{name: "an IOC's remainder is cancelled at the halt", session: s,
			setup: sweep,
			in:    buy(9, 0, 5).market().ioc().at(320),
			want: []string{"ACCEPTED 9 0x5 L5 F0",
				"T1 101x2 b9 s1 BUY", "PARTIAL_FILL 9 101x2 L3 F2 #1", "FILL 1 101x2 L0 F2 #1",
				"T2 104x2 b9 s2 BUY", "PARTIAL_FILL 9 104x2 L1 F4 #2", "FILL 2 104x2 L0 F2 #2",
				"STATUS HALTED @320", "CANCELLED 9 0x1 L0 F4"},
			book: "B | A 106x2/1 110x1/1"},
		{name: "a FOK that needs a level beyond the halt is killed, no halt", session: s,
			setup: sweep,
			in:    buy(9, 110, 5).fok().at(320),
			want:  []string{"ACCEPTED 9 110x5 L5 F0", "KILLED 9 110x5 L0 F0"},
			book:  "B | A 101x2/1 104x2/1 106x2/1 110x1/1"},
		{name: "a stop triggered before the halt waits for its end", session: s,
			setup: append(sweep, buy(8, 0, 1).market().stopAt(101).at(315)),
			in:    buy(9, 110, 10).at(320),
			want: []string{"ACCEPTED 9 110x10 L10 F0",
				"T1 101x2 b9 s1 BUY", "PARTIAL_FILL 9 101x2 L8 F2 #1", "FILL 1 101x2 L0 F2 #1",
				"T2 104x2 b9 s2 BUY", "PARTIAL_FILL 9 104x2 L6 F4 #2", "FILL 2 104x2 L0 F2 #2",
				"STATUS HALTED @320"},
			book: "B 110x6/1 | A 106x2/1 110x1/1"},
		{name: "...and enters after its auction", session: s,
			setup: append(sweep, buy(8, 0, 1).market().stopAt(101).at(315), buy(9, 110, 10).at(320), sell(7, 111, 1).at(321)),
			in:    cancelOf(99).at(340),
			want: []string{
				"T3 110x2 b9 s3 UNKNOWN", "PARTIAL_FILL 9 110x2 L4 F6 #3", "FILL 3 110x2 L0 F2 #3",
				"T4 110x1 b9 s4 UNKNOWN", "PARTIAL_FILL 9 110x1 L3 F7 #4", "FILL 4 110x1 L0 F1 #4",
				"STATUS CONTINUOUS @340", "TRIGGERED 8 0x1 L1 F0",
				"T5 111x1 b8 s7 BUY", "FILL 8 111x1 L0 F1 #5", "FILL 7 111x1 L0 F1 #5",
				"REJECTED 99 UNKNOWN_ORDER"},
			book: "B 110x3/1 | A"},
		{name: "DAY orders across a halt still on at the close", session: s,
			setup: []ord{sell(1, 101, 1).at(310), sell(3, 106, 2).day().at(311), buy(4, 90, 1).day().at(312), buy(9, 106, 2).at(390)},
			in:    cancelOf(99).at(401),
			want: []string{
				"T2 106x1 b9 s3 UNKNOWN", "FILL 9 106x1 L0 F2 #2", "PARTIAL_FILL 3 106x1 L1 F1 #2",
				"STATUS CLOSED @400", "EXPIRED 4 90x1 L0 F0", "EXPIRED 3 106x1 L0 F1", "REJECTED 99 UNKNOWN_ORDER"},
			book: "B | A"},
	})
}

// TestSnapshotDay: DAY orders, resting and pending, keep their time in
// force through a snapshot (version 3: the book has a session) and expire
// at the restored book's close.
func TestSnapshotDay(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	if err := b.SetSession(testSession); err != nil {
		t.Fatal(err)
	}
	for i, o := range []ord{buy(1, 99, 2).day().at(310), sell(2, 105, 1).at(311), sell(3, 90, 1).stopAt(95).day().at(312)} {
		b.Apply(o.lean(uint64(i+1)), nil)
	}
	snap := b.Snapshot(nil)
	if snap[len(snapMagic)] != snapSession {
		t.Fatalf("version %d, want %d", snap[len(snapMagic)], snapSession)
	}
	c := New(testInst, PriceTime, 4)
	if err := c.SetSession(testSession); err != nil {
		t.Fatal(err)
	}
	if err := c.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if c.Phase() != Continuous {
		t.Fatalf("restored phase %s", c.Phase())
	}
	var rec leanRecorder
	c.Apply(cancelOf(9).at(401).lean(7), &rec)
	var got []string
	for _, o := range rec.outs {
		got = append(got, leanShort(o))
	}
	want := "t7 EXPIRED 1 99x2 L0 F0\nt7 EXPIRED 3 90x1 L0 F0\nt7 REJECTED 9 UNKNOWN_ORDER 0x0"
	if s := strings.Join(got[1:], "\n"); !rec.outs[0].status || s != want {
		t.Errorf("after the restore, at the close: %v\nwant a status, then\n%s", got, want)
	}
}
