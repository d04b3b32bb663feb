package window

import (
	"fmt"
	"math"
	"strings"

	"github.com/bourse/bourse/pkg/record"
)

// Engine turns trades into bars, SMA and ranked profit over hopping
// windows. It is not safe for concurrent use.
type Engine struct {
	cfg     Config
	opt     Options
	idle    int64 // effective Idle; -1 = never idle
	windows bool  // SMA or Profit wanted

	insts []*inst // in order of first trade
	index index
	last  *inst // the instrument of the previous trade

	maxWM    int64 // greatest watermark of all instruments
	late     int64
	rejected int64

	rk ranker

	// scratch records handed to the Emitter
	bar  record.Bar
	sma  record.SMA
	prof record.Profit
	rej  record.Reject

	flushBars []flushBar
	flushWins []flushWin
}

type flushBar struct {
	in *inst
	b  bar
}

type flushWin struct {
	in *inst
	w  win
}

// New returns an Engine for a valid config.
func New(cfg Config, opt Options) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, opt: opt, idle: cfg.idleLimit(), windows: opt.SMA || opt.Profit}
	e.reset()
	return e, nil
}

func (e *Engine) reset() {
	e.insts = nil
	e.index = index{}
	e.last = nil
	e.maxWM = math.MinInt64
	e.late, e.rejected = 0, 0
	e.rk = ranker{lastRanked: math.MinInt64, end: math.MaxInt64, idleAt: math.MaxInt64}
}

// Config returns the engine's config.
func (e *Engine) Config() Config { return e.cfg }

// Late returns how many trades arrived after their bar was closed.
func (e *Engine) Late() int64 { return e.late }

// LateFor returns how many of instrument's trades arrived late.
func (e *Engine) LateFor(instrument string) int64 {
	if in := e.index.get(instrument); in != nil {
		return in.late
	}
	return 0
}

// Rejected returns how many trades were rejected as invalid (not counting
// late trades).
func (e *Engine) Rejected() int64 { return e.rejected }

// Unranked returns how many profit records were emitted with Rank 0
// because their window had already been ranked without their instrument.
func (e *Engine) Unranked() int64 { return e.rk.unranked }

// Watermark returns instrument's watermark (its largest trade time minus
// Lateness) and whether the instrument has had trades.
func (e *Engine) Watermark(instrument string) (int64, bool) {
	if in := e.index.get(instrument); in != nil {
		return in.wm, true
	}
	return 0, false
}

// Add mixes one trade into its bar, then emits every bar, SMA and ranked
// profit the trade's watermark closes. Invalid and late trades are
// counted and reported to h as a Reject.
func (e *Engine) Add(t *record.Trade, h record.Emitter) {
	p, q, ts := t.Price, t.Quantity, t.Time
	if p <= 0 || q <= 0 || p > record.MaxValue || q > record.MaxValue || ts < 0 || ts > MaxTime || t.Instrument == "" {
		e.invalid(t, h)
		return
	}
	in := e.last
	if in == nil || in.name != t.Instrument {
		in = e.lookup(t.Instrument)
	}
	if ts < in.closed {
		e.lateTrade(in, t, h)
		return
	}
	var b *bar
	if n := len(in.bars); n > 0 && ts >= in.bars[n-1].start && ts < in.bars[n-1].end {
		b = &in.bars[n-1]
	} else {
		b = in.barFor(ts, e.cfg.Bar)
	}
	if b.vol > math.MaxInt64-q {
		e.rejected++
		e.reject(h, record.ReasonTooLarge, fmt.Sprintf("trade of %s quantity %s at %d would overflow its bar's volume %s", t.Instrument, q, ts, b.vol))
		return
	}
	b.add(ts, p, q)
	if ts <= in.maxTime {
		return
	}
	in.maxTime = ts
	old := in.wm
	wm := ts - e.cfg.Lateness
	in.wm = wm
	if wm > e.maxWM {
		e.maxWM = wm
	}
	closed := false
	if wm >= in.next {
		closed = e.advance(in, h)
	}
	if e.opt.Profit {
		r := &e.rk
		if old == math.MinInt64 && wm < r.end && !e.isIdle(in) {
			r.idleAt = min(r.idleAt, satAdd(wm, e.idle))
		}
		passed := old < r.end && wm >= r.end
		if passed {
			r.waiting--
		}
		if closed || passed || e.maxWM > r.idleAt {
			e.rankReady(h)
		}
	}
}

// lookup finds or creates the state of an instrument.
func (e *Engine) lookup(name string) *inst {
	if in := e.index.get(name); in != nil {
		e.last = in
		return in
	}
	in := newInst(strings.Clone(name))
	in.id = int32(len(e.insts))
	e.index.put(in)
	e.insts = append(e.insts, in)
	e.last = in
	if e.rk.end != math.MaxInt64 {
		e.rk.waiting++ // below any end until it trades
	}
	return in
}

// advance closes the instrument's bars and windows that its watermark has
// passed, in start order, and reports whether windows were closed for the
// ranker.
func (e *Engine) advance(in *inst, h record.Emitter) bool {
	wm := in.wm
	n := 0
	for n < len(in.bars) && in.bars[n].end <= wm {
		b := &in.bars[n]
		if e.opt.Bars {
			e.emitBar(in, b, h)
		}
		if e.windows {
			in.addToWindows(b, &e.cfg)
		}
		n++
	}
	if n > 0 {
		in.bars = in.bars[:copy(in.bars, in.bars[n:])]
	}
	if c := floorDiv(wm, e.cfg.Bar) * e.cfg.Bar; c > in.closed {
		in.closed = c
	}
	m := 0
	for m < len(in.wins) && in.wins[m].end <= wm {
		e.closeWindow(in, &in.wins[m], h)
		m++
	}
	if m > 0 {
		in.wins = in.wins[:copy(in.wins, in.wins[m:])]
	}
	in.resetNext()
	return m > 0 && e.opt.Profit
}

func (e *Engine) closeWindow(in *inst, w *win, h record.Emitter) {
	if e.opt.SMA {
		e.sma = record.SMA{
			Instrument:  in.name,
			WindowStart: w.k * e.cfg.Slide,
			WindowEnd:   w.end,
			SMA:         record.Fixed(divRound(w.closes, uint64(w.n))),
			Bars:        w.n,
		}
		h.Emit(&e.sma)
	}
	if e.opt.Profit {
		e.rankAdd(in, w, h)
	}
}

func (e *Engine) emitBar(in *inst, b *bar, h record.Emitter) {
	e.bar = record.Bar{
		Instrument: in.name,
		Start:      b.start,
		End:        b.end,
		Open:       b.open,
		High:       b.high,
		Low:        b.low,
		Close:      b.close,
		Volume:     b.vol,
		VWAP:       b.vwap(),
		Count:      b.count,
	}
	h.Emit(&e.bar)
}

// isIdle reports whether in's watermark lags the greatest by more than Idle.
// An expected instrument that has not traded yet lags infinitely.
func (e *Engine) isIdle(in *inst) bool {
	if e.idle < 0 {
		return false
	}
	if in.wm == math.MinInt64 {
		return e.maxWM != math.MinInt64
	}
	return e.maxWM-in.wm > e.idle
}

// Expect registers instruments before their first trade, so that the
// ranker waits for them too: a window is ranked only once every expected
// instrument has passed it (or is idle). Without it, an instrument is known
// from its first trade on, and a window ranked before that first trade
// arrives cannot include it — which happens when a stream delivers one
// instrument's trades well after another's (Kafka partitions consumed
// unevenly). The profit job expects the whole instruments reference.
func (e *Engine) Expect(names ...string) {
	for _, n := range names {
		e.lookup(n)
	}
	e.last = nil
}

func (e *Engine) invalid(t *record.Trade, h record.Emitter) {
	e.rejected++
	reason, msg := record.ReasonBadField, ""
	switch {
	case t.Instrument == "":
		reason, msg = record.ReasonMissingField, "trade has no instrument"
	case t.Price <= 0:
		reason, msg = record.ReasonNonPositive, fmt.Sprintf("trade price must be > 0, got %s", t.Price)
	case t.Quantity <= 0:
		reason, msg = record.ReasonNonPositive, fmt.Sprintf("trade quantity must be > 0, got %s", t.Quantity)
	case t.Price > record.MaxValue:
		reason, msg = record.ReasonTooLarge, fmt.Sprintf("trade price must be <= %s, got %s", record.MaxValue, t.Price)
	case t.Quantity > record.MaxValue:
		reason, msg = record.ReasonTooLarge, fmt.Sprintf("trade quantity must be <= %s, got %s", record.MaxValue, t.Quantity)
	default:
		reason, msg = record.ReasonBadTimestamp, fmt.Sprintf("trade time must be within [0, %d] ms, got %d", MaxTime, t.Time)
	}
	e.reject(h, reason, fmt.Sprintf("%s (instrument %q, trade %d)", msg, t.Instrument, t.TradeID))
}

func (e *Engine) lateTrade(in *inst, t *record.Trade, h record.Emitter) {
	e.late++
	in.late++
	e.reject(h, record.ReasonLate, fmt.Sprintf(
		"trade %d of %s at %d ms is late: its bar's window already emitted (closed up to %d ms, watermark %d ms, lateness %d ms)",
		t.TradeID, in.name, t.Time, in.closed, in.wm, e.cfg.Lateness))
}

func (e *Engine) reject(h record.Emitter, reason, msg string) {
	e.rej = record.Reject{Reason: reason, Message: msg}
	h.Emit(&e.rej)
}

// satAdd is a+b for b >= 0, saturating at MaxInt64; b < 0 means never.
func satAdd(a, b int64) int64 {
	if b < 0 || a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
