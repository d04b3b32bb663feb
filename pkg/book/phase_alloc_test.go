package book

import (
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// statusCounter is a leanCounter that also counts phase changes.
type statusCounter struct {
	leanCounter
	statuses int
}

func (c *statusCounter) OnStatus(*Status) { c.statuses++ }

// TestSessionDoesNotAllocate runs whole days on a book with a session:
// DAY orders resting crossed in pre-open, the auction, a reject in the
// buffer, an IOC in continuous trading, the close expiring the DAY
// remainder and rejecting a NEW. Apply allocates nothing on any of it.
func TestSessionDoesNotAllocate(t *testing.T) {
	b := New(testInst, PriceTime, 16)
	if err := b.SetSession(testSession); err != nil {
		t.Fatal(err)
	}
	b.Apply(buy(2, 90, 5).by("bob").at(310).lean(0), nil)
	day := []Order{
		*buy(7, 101, 5).day().by("cy").at(150).lean(1),
		*sell(8, 100, 3).day().by("dee").at(151).lean(2),
		*sell(9, 95, 1).by("dee").at(250).lean(3),          // buffer: CLOSED
		*sell(10, 0, 1).market().by("dee").at(310).lean(4), // trades with 7
		*buy(11, 90, 1).at(450).lean(5),                    // closed: CLOSED
	}
	l := runDays(t, b, day)
	// the first day also closes the setup's day
	if l.statuses != 51*4+1 || l.rejects != 51*2 || l.trades != 51*2 {
		t.Errorf("%d statuses, %d rejects, %d trades over 51 days, want 4 (+1), 2 and 2 a day", l.statuses, l.rejects, l.trades)
	}
	if bookString(b) != "B 90x5/1 | A" {
		t.Errorf("book %s after the days", bookString(b))
	}
	if err := checkInvariants(b); err != nil {
		t.Error(err)
	}
}

// BenchmarkUncross measures the call auction on a book of 100,000
// resting orders in pre-open, 50,000 a side over 100 levels each, crossed
// over half of them: about half the orders trade.
func BenchmarkUncross(b *testing.B) {
	const perSide, levels = 50_000, 100
	orders := make([]Order, 0, 2*perSide)
	for i := range perSide {
		p := int64(i % levels)
		orders = append(orders,
			Order{ID: uint64(2*i + 1), Side: record.Buy, Ticks: 1000 + p, Lots: 1 + int64(i%7), Time: 150, TraderID: "a"},
			Order{ID: uint64(2*i + 2), Side: record.Sell, Ticks: 1050 + p - levels/2 - int64(i%3), Lots: 1 + int64(i%5), Time: 150, TraderID: "b"})
	}
	auction := Order{ID: 1 << 40, Action: record.Cancel, Time: 200}
	b.ReportAllocs()
	var l leanCounter
	for b.Loop() {
		b.StopTimer()
		bk := New(testInst, PriceTime, 2*perSide)
		if err := bk.SetSession(testSession); err != nil {
			b.Fatal(err)
		}
		for i := range orders {
			bk.Apply(&orders[i], nil)
		}
		if bk.Len() != 2*perSide {
			b.Fatalf("%d resting", bk.Len())
		}
		b.StartTimer()
		l.trades = 0
		bk.Apply(&auction, &l)
		if bk.crossed() {
			b.Fatal("still crossed")
		}
	}
	b.ReportMetric(float64(l.trades), "trades/op")
}

// runDays applies day to b on 51 days in a row (AllocsPerRun's warm-up
// and 50 runs), each a Day later than the one before, requires no
// allocation, and returns what the listener counted.
func runDays(t *testing.T, b *Book, day []Order) statusCounter {
	t.Helper()
	var l statusCounter
	d := int64(0)
	allocs := testing.AllocsPerRun(50, func() {
		d += Day
		for i := range day {
			o := day[i]
			o.Time += d
			b.Apply(&o, &l)
		}
	})
	if allocs != 0 {
		t.Errorf("expected 0 allocations per day, got %.2f", allocs)
	}
	return l
}

// TestHaltDoesNotAllocate runs whole days with a halt inside a sweep, its
// auction and the close expiring the DAY remainder: no allocation.
func TestHaltDoesNotAllocate(t *testing.T) {
	runHaltDays(t, haltSession)
}

// runHaltDays runs 51 days of a sweep that halts, under session s (which
// halts at 5 %; with a halt window, the instructions re-base it), and
// requires no allocation, 3 trades and 6 statuses a day (the first day
// reports the phase its first order finds instead of the close of the day
// before), and an empty, closed book at the end.
func runHaltDays(t *testing.T, s Session) {
	t.Helper()
	b := New(testInst, PriceTime, 16)
	if err := b.SetSession(s); err != nil {
		t.Fatal(err)
	}
	day := []Order{
		*buy(6, 100, 1).by("cy").at(150).lean(6), // the opening auction at 100: the reference
		*sell(7, 100, 1).by("dee").at(151).lean(7),
		*sell(1, 101, 1).by("ann").at(310).lean(1),
		*sell(2, 106, 1).by("ann").at(311).lean(2),
		*buy(3, 110, 3).day().by("bob").at(320).lean(3), // (re-based to 100 at 320 with a window) trades at 101, halts before 106
		*cancelOf(99).at(340).lean(4),                   // the halt's auction: 1 at 106
		*cancelOf(98).at(450).lean(5),                   // the close expires 3's last lot
	}
	l := runDays(t, b, day)
	if l.trades != 51*3 || l.statuses != 51*6 {
		t.Errorf("%d trades, %d statuses over 51 days, want 3 and 6 a day", l.trades, l.statuses)
	}
	if b.Len() != 0 || b.Phase() != Closed {
		t.Errorf("book %s in %s after the days", bookString(b), b.Phase())
	}
}
