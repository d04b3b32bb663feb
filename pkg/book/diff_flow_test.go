package book_test

import (
	"fmt"
	"testing"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/record"
)

// The flow differential: pkg/flow's exchange-profile flows, the orders
// `bourse produce --profile exchange` writes, over record's default
// instruments, through the real book and the reference matcher under the
// settings of `bourse match`, one book per instrument as match keeps them.

const (
	flowOrders     = 2000 // per seed, over the four instruments
	flowStep       = 200  // ms between orders on average: the flow spans about 400 s
	flowSeeds      = 100
	flowShortSeeds = 12
)

// flowFrom is the time of day of the flows' first order (09:15 UTC).
var flowFrom = flow.DefaultConfig().Start % book.Day

// flowSetting is one way of running `bourse match`: --stp, band_pct in
// the instruments reference, and --session with halt_pct and halt_for.
type flowSetting struct {
	name    string
	stp     book.STPMode
	band    bool
	session bool
}

var flowSettings = []flowSetting{
	{name: "defaults"},
	{name: "stp cancel-oldest", stp: book.STPCancelOldest},
	{name: "band", band: true},
	{name: "session and halts", session: true},
	{name: "cancel-both, band, session and halts", stp: book.STPCancelBoth, band: true, session: true},
}

// instruments is record's default list with, for a band, band_pct, and for
// a session, halt_pct and halt_for (two of them with a halt_window): a few
// ticks to a few dozen, so that the flow's random walk reaches them.
func (s flowSetting) instruments() []record.Instrument {
	list := record.DefaultInstruments()
	for i := range list {
		in := &list[i]
		if s.band {
			in.BandPct = record.MustFixed([]string{"0.01", "0.05", "0.01", "0.02"}[i%4])
		}
		if s.session {
			in.HaltPct = record.MustFixed([]string{"0.01", "0.03", "0.01", "0.01"}[i%4])
			in.HaltFor = int64(1 + i%2)
			in.HaltWindow = int64([]int{0, 0, 5, 30}[i%4]) // the last two re-base their halt reference
		}
	}
	return list
}

// daySession is the --session day of a seed, UTC, over the flow's span
// of about 400 s: 20 s closed, pre-open, the call auction 120 s in, for
// even seeds a 20 s buffer, continuous trading, the close 340 s in; the
// rest is closed.
func daySession(seed uint64) book.Session {
	const sec = 1000
	from := flowFrom + int64(seed%5)*2*sec // the boundaries move with the seed
	sess := book.Session{PreOpen: from + 20*sec, Auction: from + 120*sec, Open: from + 140*sec, Close: from + 340*sec}
	if seed%2 == 1 {
		sess.Open = sess.Auction
	}
	return sess
}

// matchBook is in's book and reference as jobs/match sets a book up
// (Processor.setRules): price-time with InstrumentRules and
// InstrumentSession.
func matchBook(t *testing.T, in record.Instrument, stp book.STPMode, day book.Session) (*book.Book, *book.RefBook) {
	t.Helper()
	rules := book.InstrumentRules(&in, stp)
	sess := book.InstrumentSession(&in, day)
	b := book.New(in, book.PriceTime, 1024)
	if err := b.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	if err := b.SetSession(sess); err != nil {
		t.Fatal(err)
	}
	return b, book.NewRefBook(in, rules, sess)
}

// exchangeFlow is the seed's exchange-profile flow, as `bourse produce
// --profile exchange --seed SEED --step-ms 200` writes it.
func exchangeFlow(t *testing.T, seed uint64, n int) []record.Order {
	t.Helper()
	cfg := flow.DefaultConfig()
	cfg.Seed, cfg.Step, cfg.Profile = seed, flowStep, flow.ProfileExchange
	g, err := flow.NewGenerator(cfg, record.DefaultInstruments())
	if err != nil {
		t.Fatal(err)
	}
	orders := make([]record.Order, n)
	for i := range orders {
		g.Next(&orders[i])
	}
	return orders
}

// runFlow runs orders through a book per instrument and its reference
// under s, as jobs/match does (the instruments reference validates each
// order, then its instrument's book takes it through Submit), and fails at
// the first order whose reports differ, printing the seed and the first
// differing record; it counts the reports by kind into stats.
func runFlow(t *testing.T, seed uint64, s flowSetting, orders []record.Order, stats map[string]int) {
	t.Helper()
	ins, err := record.NewInstruments(s.instruments())
	if err != nil {
		t.Fatal(err)
	}
	var day book.Session
	if s.session {
		day = daySession(seed)
	}
	books := map[string]*book.Book{}
	refs := map[string]*book.RefBook{}
	var rec book.Recorder
	for i := range orders {
		o := orders[i]
		if err := ins.Validate(&o); err != nil {
			t.Fatalf("seed %d order %d %+v: %v", seed, i, o, err)
		}
		b, ref := books[o.Instrument], refs[o.Instrument]
		if b == nil {
			in, _ := ins.Lookup(o.Instrument)
			b, ref = matchBook(t, *in, s.stp, day)
			books[o.Instrument], refs[o.Instrument] = b, ref
		}
		b.Submit(&o, &rec)
		got := rec.Take()
		want := ref.Submit(&o)
		if d := book.FirstDiff(got, want); d >= 0 {
			t.Fatalf("seed %d (%s) order %d %+v: record %d differs\nbook:      %s\nreference: %s\nbook's reports:\n%sreference's reports:\n%s",
				seed, s.name, i, o, d, at(got, d), at(want, d), book.Dump(got), book.Dump(want))
		}
		if b.Len() != ref.Len() || b.TradeSeq() != ref.TradeSeq() {
			t.Fatalf("seed %d (%s) after order %d: resting/trade seq %d/%d, reference %d/%d",
				seed, s.name, i, b.Len(), b.TradeSeq(), ref.Len(), ref.TradeSeq())
		}
		for _, x := range got {
			stats[x.Key()]++
		}
	}
	for sym, b := range books {
		for _, side := range []record.Side{record.Buy, record.Sell} {
			if g, w := b.Depth(side, 1<<30, nil), refs[sym].Depth(side); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Fatalf("seed %d (%s) %s at the end: %s depth %v, reference %v", seed, s.name, sym, side, g, w)
			}
		}
	}
}

// at prints outs[i] with every field, or says there is none.
func at(outs []book.Out, i int) string {
	if i >= len(outs) {
		return "(none)"
	}
	return fmt.Sprintf("%s\n           %s", outs[i], outs[i].Fields())
}

// TestDiffFlowExchange runs flowSeeds exchange-profile flows of flowOrders
// orders under each setting and requires the real book and the reference
// to report the same trades, execution reports and statuses, and each
// setting to have exercised its rules.
func TestDiffFlowExchange(t *testing.T) {
	seeds := flowSeeds
	if testing.Short() {
		seeds = flowShortSeeds
	}
	totals := make([]map[string]int, len(flowSettings))
	for i := range totals {
		totals[i] = map[string]int{}
	}
	for seed := range uint64(seeds) {
		orders := exchangeFlow(t, seed, flowOrders)
		for i, s := range flowSettings {
			runFlow(t, seed, s, orders, totals[i])
		}
	}
	want := map[string][]string{
		"defaults":                             {"trade", "TRIGGERED", "CANCELLED SELF_TRADE", "CANCELLED MASS_CANCEL", "REJECTED WOULD_TRADE", "KILLED", "EXPIRED", "REPLACED"},
		"stp cancel-oldest":                    {"trade", "CANCELLED SELF_TRADE"},
		"band":                                 {"trade", "REJECTED PRICE_BAND"},
		"session and halts":                    {"trade", "auction trade", "STATUS PRE_OPEN", "STATUS BUFFER", "STATUS CONTINUOUS", "STATUS CLOSED", "STATUS HALTED", "REJECTED CLOSED", "REJECTED PRE_OPEN", "EXPIRED"},
		"cancel-both, band, session and halts": {"trade", "auction trade", "STATUS HALTED", "CANCELLED SELF_TRADE", "REJECTED PRICE_BAND"},
	}
	for i, s := range flowSettings {
		for _, k := range want[s.name] {
			if totals[i][k] < seeds/4 {
				t.Errorf("%s: only %d %q over %d seeds", s.name, totals[i][k], k, seeds)
			}
		}
		t.Logf("%s over %d seeds of %d orders: %v", s.name, seeds, flowOrders, totals[i])
	}
}
