package book

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"testing"
)

// windowSession is haltSession with a halt window of 20 ms: no auction
// trades in these cases, so the windows start at multiples of 20 from 0.
var windowSession = func() Session { s := haltSession; s.HaltWindow = 20; return s }()

// traded104 trades 1 lot at 104 ticks at 306, in the window [300, 320).
var traded104 = []ord{sell(1, 104, 1).at(305), buy(2, 104, 1).at(306)}

func with(a []ord, more ...ord) []ord { return append(append([]ord(nil), a...), more...) }

func TestHaltWindow(t *testing.T) {
	s := windowSession
	anchored := s // windows of 30 ms from the auction at 200: 290, 320, ...; from 0 they would be 300, 330
	anchored.HaltWindow = 30
	runRules(t, []ruleCase{
		{name: "a move spread over two windows does not halt (the window starts at 320: 108 is 3.8% from 104)", session: s,
			setup: with(traded104, sell(3, 108, 1).at(310)),
			in:    buy(4, 108, 1).at(320),
			want:  []string{"ACCEPTED 4 108x1 L1 F0", "T2 108x1 b4 s3 BUY", "FILL 4 108x1 L0 F1 #2", "FILL 3 108x1 L0 F1 #2"},
			book:  "B | A"},
		{name: "the same move within one window halts (8% from 100)", session: s,
			setup: with(traded104, sell(3, 108, 1).at(310)),
			in:    buy(4, 108, 1).at(319),
			want:  []string{"ACCEPTED 4 108x1 L1 F0", "STATUS HALTED @319"},
			book:  "B 108x1/1 | A 108x1/1"},
		{name: "without a window the reference stays 100", session: haltSession,
			setup: with(traded104, sell(3, 108, 1).at(310)),
			in:    buy(4, 108, 1).at(320),
			want:  []string{"ACCEPTED 4 108x1 L1 F0", "STATUS HALTED @320"},
			book:  "B 108x1/1 | A 108x1/1"},
		{name: "a move within one window halts, from the re-based reference (110 is 5.8% from 104)", session: s,
			setup: with(traded104, sell(3, 110, 1).at(321)),
			in:    buy(4, 110, 1).at(339),
			want:  []string{"ACCEPTED 4 110x1 L1 F0", "STATUS HALTED @339"},
			book:  "B 110x1/1 | A 110x1/1"},
		{name: "a halt inside a sweep: its own trades do not re-base (110 is 4.8% from 105, 5.8% from 104)", session: s,
			setup: with(traded104, sell(3, 105, 2).at(321), sell(5, 108, 2).at(322), sell(6, 110, 1).at(323)),
			in:    buy(9, 110, 10).at(330),
			want: []string{"ACCEPTED 9 110x10 L10 F0",
				"T2 105x2 b9 s3 BUY", "PARTIAL_FILL 9 105x2 L8 F2 #2", "FILL 3 105x2 L0 F2 #2",
				"T3 108x2 b9 s5 BUY", "PARTIAL_FILL 9 108x2 L6 F4 #3", "FILL 5 108x2 L0 F2 #3",
				"STATUS HALTED @330"},
			book: "B 110x6/1 | A 110x1/1"},
		{name: "...its auction at 350 starts the next window: [350, 370), reference 110 (119 is 8.2% from 110, 4.4% from 114)", session: s,
			setup: with(traded104, sell(3, 105, 2).at(321), sell(5, 108, 2).at(322), sell(6, 110, 1).at(323), buy(9, 110, 10).at(330),
				cancelOf(9).at(351), sell(7, 114, 1).at(355), buy(8, 114, 1).at(356), sell(10, 119, 1).at(361)),
			in:   buy(11, 119, 1).at(369),
			want: []string{"ACCEPTED 11 119x1 L1 F0", "STATUS HALTED @369"},
			book: "B 119x1/1 | A 119x1/1"},
		{name: "no trade yet: a re-base keeps Ref", session: s,
			setup: []ord{sell(1, 106, 1).at(310)},
			in:    buy(2, 106, 1).at(345),
			want:  []string{"ACCEPTED 2 106x1 L1 F0", "STATUS HALTED @345"},
			book:  "B 106x1/1 | A 106x1/1"},
		{name: "windows without trades re-base to the last price, however old (109 is 4.8% from 104)", session: s,
			setup: with(traded104, sell(3, 109, 1).at(365)),
			in:    buy(4, 109, 1).at(366),
			want:  []string{"ACCEPTED 4 109x1 L1 F0", "T2 109x1 b4 s3 BUY", "FILL 4 109x1 L0 F1 #2", "FILL 3 109x1 L0 F1 #2"},
			book:  "B | A"},
		{name: "the opening auction anchors the windows (re-based at 320, not at 330)", session: anchored,
			setup: []ord{buy(1, 100, 1).at(150), sell(2, 100, 1).at(151), sell(3, 104, 1).at(305), buy(4, 104, 1).at(310), sell(5, 108, 1).at(321)},
			in:    buy(6, 108, 1).at(325),
			want:  []string{"ACCEPTED 6 108x1 L1 F0", "T3 108x1 b6 s5 BUY", "FILL 6 108x1 L0 F1 #3", "FILL 5 108x1 L0 F1 #3"},
			book:  "B | A"},
	})
}

// TestHaltWindowRestore: a book snapshotted mid-window (version 4: its
// window's start and reference) and restored gives the reports of the
// uninterrupted book: the re-base at 320, then a halt within the next
// window.
func TestHaltWindowRestore(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	if err := b.SetSession(windowSession); err != nil {
		t.Fatal(err)
	}
	for i, o := range with(traded104, sell(3, 108, 1).at(310)) {
		b.Apply(o.lean(uint64(i+1)), nil)
	}
	c := roundTrip(t, b)
	snap := c.Snapshot(nil)
	if v := snap[len(snapMagic)]; v != snapWindow {
		t.Fatalf("version %d, want %d", v, snapWindow)
	}
	if c.ss.hbase != 300 || c.ss.href != 100 || c.ss.last != 104 {
		t.Fatalf("restored window start %d, reference %d, last %d; want 300, 100, 104", c.ss.hbase, c.ss.href, c.ss.last)
	}
	var halts int
	for i, o := range []ord{buy(4, 108, 1).at(320), sell(5, 114, 1).at(325), buy(6, 114, 1).at(326)} {
		var x, y leanRecorder
		b.Apply(o.lean(uint64(i+10)), &x)
		c.Apply(o.lean(uint64(i+10)), &y)
		if fmt.Sprint(x.outs) != fmt.Sprint(y.outs) {
			t.Fatalf("order %d:\nuninterrupted %v\nrestored      %v", i, x.outs, y.outs)
		}
		for _, l := range y.outs {
			if l.status && l.s.Phase == Halted {
				halts++
			}
		}
	}
	if halts != 1 || c.ss.href != 104 || c.ss.hbase != 320 {
		t.Fatalf("%d halts, reference %d from %d; want 1 (114 is 9.6%% from 104), 104 from 320", halts, c.ss.href, c.ss.hbase)
	}
	if !bytes.Equal(b.Snapshot(nil), c.Snapshot(nil)) {
		t.Fatal("final snapshots differ")
	}

	other := New(testInst, PriceTime, 4)
	s := windowSession
	s.HaltWindow++
	if err := other.SetSession(s); err != nil {
		t.Fatal(err)
	}
	if err := other.Restore(snap); err == nil {
		t.Fatal("a snapshot restored into a book with another halt window")
	}
	if got, err := SnapshotSession(snap); err != nil || got != windowSession {
		t.Fatalf("SnapshotSession: %+v, %v", got, err)
	}
}

// TestSetSessionKeepsHaltReference: SetSession keeps the halt reference a
// book has printed and its window's start (price state), as the match job
// does when a snapshot is restored under its own session and the current
// one applied after; a reference that is still the old Ref takes the new.
func TestSetSessionKeepsHaltReference(t *testing.T) {
	auctioned := func(s Session) *Book { // auction at 200 at 102, continuous at 310
		b := New(testInst, PriceTime, 4)
		if err := b.SetSession(s); err != nil {
			t.Fatal(err)
		}
		for i, o := range []ord{buy(1, 102, 1).at(150), sell(2, 102, 1).at(151), sell(3, 90, 1).at(305), cancelOf(3).at(310)} {
			b.Apply(o.lean(uint64(i+1)), nil)
		}
		if b.ss.href != 102 || b.Phase() != Continuous {
			t.Fatalf("reference %d in %s, want 102 in CONTINUOUS", b.ss.href, b.Phase())
		}
		return b
	}
	later := haltSession
	later.Ref, later.HaltFor = 95, 30
	for _, tc := range []struct {
		name       string
		from, to   Session
		href, base int64
	}{
		{"halts changed: the auction's price stays", haltSession, later, 102, 0},
		{"a window added: it starts at the clock", haltSession, func() Session { s := later; s.HaltWindow = 20; return s }(), 102, 310},
		{"a window changed: its start stays", windowSession, func() Session { s := later; s.HaltWindow = 40; return s }(), 102, 300},
		{"the window removed", windowSession, later, 102, 0},
	} {
		b := auctioned(tc.from)
		c := roundTrip(t, b)
		if err := c.SetSession(tc.to); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.ss.href != tc.href || c.ss.hbase != tc.base {
			t.Errorf("%s: reference %d from %d, want %d from %d", tc.name, c.ss.href, c.ss.hbase, tc.href, tc.base)
		}
	}
	b := New(testInst, PriceTime, 4)
	if err := b.SetSession(haltSession); err != nil {
		t.Fatal(err)
	}
	b.Apply(sell(1, 104, 1).at(305).lean(1), nil)
	if err := b.SetSession(later); err != nil {
		t.Fatal(err)
	}
	if b.ss.href != later.Ref {
		t.Errorf("no auction yet: reference %d, want the new Ref %d", b.ss.href, later.Ref)
	}
	for _, s := range []Session{{PreOpen: 100, Auction: 200, Open: 300, Close: 400, HaltWindow: 20}, func() Session { s := windowSession; s.HaltWindow = -1; return s }()} {
		if err := New(testInst, PriceTime, 4).SetSession(s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}

// TestSnapshotWindowLayout pins version 4's encoding: version 3's (see
// TestSnapshotSessionLayout) with the halt window after haltFor and its
// start after the state's halt reference.
func TestSnapshotWindowLayout(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	if err := b.SetSession(windowSession); err != nil {
		t.Fatal(err)
	}
	b.Apply(buy(1, 99, 2).day().at(150).lean(1), nil)
	b.Apply(sell(2, 98, 1).at(160).lean(2), nil)
	want := "424b534e" + "04" + "03545354" + "80ade204" + "80a8d6b907" + "00" + "c002" + "00" + // header, clock 160, no trades
		"00" + "c801" + "9003" + "d804" + "a006" + "c801" + "e807" + "28" + "28" + // session: ref 100, 500 bp for 20 ms, window 20 ms
		"01" + "01" + "c601" + "04" + "00" + "00" + "00" + "10" + "00" + "00" + // bid 1: 99x2, DAY
		"01" + "02" + "c401" + "02" + "00" + "00" + "00" + "00" + "00" + "00" + // ask 2: 98x1
		"00" + // no stops
		"01" + "01" + "9003" + "9003" + "00" + "c801" + "c002" + "00" + "01" // PRE_OPEN until 200, reference 100 in the window from 160, DAY orders
	snap := b.Snapshot(nil)
	if got := hex.EncodeToString(snap[:len(snap)-4]); got != want {
		t.Fatalf("snapshot\n%s\nwant\n%s", got, want)
	}
}

// TestHaltWindowDoesNotAllocate runs TestHaltDoesNotAllocate's days under
// a halt window (the auctions anchor it, instructions re-base it), and the
// rules' benchmark stream in CONTINUOUS under benchWindowSession: no
// allocation.
func TestHaltWindowDoesNotAllocate(t *testing.T) {
	runHaltDays(t, windowSession)

	if testing.Short() {
		return
	}
	seed, stream := benchWorkloadRules(t)
	bk := New(benchInst, PriceTime, benchResting)
	if err := bk.SetRules(benchRules); err != nil {
		t.Fatal(err)
	}
	if err := bk.SetSession(benchWindowSession); err != nil {
		t.Fatal(err)
	}
	if err := bk.Restore(seed); err != nil {
		t.Fatal(err)
	}
	var sl statusCounter
	for i := range 40000 {
		bk.Apply(&stream[i], &sl)
	}
	j := 40000
	allocs := testing.AllocsPerRun(50000, func() {
		bk.Apply(&stream[j], &sl)
		j++
	})
	if allocs != 0 || sl.rejects != 0 || sl.statuses != 0 || bk.Phase() != Continuous || bk.ss.hbase == 0 {
		t.Errorf("%.3f allocations per order (want 0), %d rejects, %d statuses, %s, window from %d", allocs, sl.rejects, sl.statuses, bk.Phase(), bk.ss.hbase)
	}
}
