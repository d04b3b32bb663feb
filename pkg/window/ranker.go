package window

import (
	"cmp"
	"math"
	"slices"

	"github.com/bourse/bourse/pkg/record"
)

// result is one instrument's profit in one closed window.
type result struct {
	in                        *inst
	avgOpen, avgClose, profit record.Fixed
	bars                      int64
	rank                      int64
}

// pend is a window with results, waiting for every instrument.
type pend struct {
	k   int64
	res []result
}

// ranker holds closed (instrument, window) results until every known
// instrument has closed the window or is idle.
type ranker struct {
	pending    []pend // ascending k
	free       [][]result
	lastRanked int64 // k of the last ranked window; MinInt64 = none
	end        int64 // end of pending[0] at the last check; MaxInt64 = none
	idleAt     int64 // check again once the greatest watermark exceeds this
	unranked   int64
	// waiting is how many instruments have a watermark below end (when
	// end < MaxInt64), kept up to date by Add and lookup, so that a check
	// against an unchanged end costs O(1) instead of a pass over every
	// instrument: with n instruments, each closing each window, those
	// passes would cost O(n²) per window.
	waiting int
}

// rankAdd hands a closed window's profit to the ranker. A window that was
// already ranked (its instrument was idle then) is emitted at once with
// Rank 0.
func (e *Engine) rankAdd(in *inst, w *win, h record.Emitter) {
	n := uint64(w.n)
	r := result{
		in:       in,
		avgOpen:  record.Fixed(divRound(w.opens, n)),
		avgClose: record.Fixed(divRound(w.closes, n)),
		profit:   record.Fixed(diffDivRound(w.closes, w.opens, n)),
		bars:     w.n,
	}
	rk := &e.rk
	if w.k <= rk.lastRanked {
		rk.unranked++
		e.emitProfit(w.k, &r, h)
		return
	}
	i := len(rk.pending)
	for i > 0 && rk.pending[i-1].k > w.k {
		i--
	}
	if i == 0 || rk.pending[i-1].k != w.k {
		var res []result
		if f := len(rk.free); f > 0 {
			res = rk.free[f-1][:0]
			rk.free = rk.free[:f-1]
		}
		rk.pending = append(rk.pending, pend{})
		copy(rk.pending[i+1:], rk.pending[i:])
		rk.pending[i] = pend{k: w.k, res: res}
		i++
	}
	rk.pending[i-1].res = append(rk.pending[i-1].res, r)
}

// rankReady emits, in start order, every pending window that no known,
// non-idle instrument still holds open, and notes what to wait for next.
func (e *Engine) rankReady(h record.Emitter) {
	rk := &e.rk
	for len(rk.pending) > 0 {
		p := &rk.pending[0]
		end := p.k*e.cfg.Slide + e.cfg.Window
		if end == rk.end {
			// The count answers without a pass: no instrument below end
			// means nothing blocks; never idle, any instrument below end
			// blocks (and idleAt stays "never").
			if rk.waiting == 0 {
				e.rankPop(h)
				continue
			}
			if e.idle < 0 {
				rk.idleAt = math.MaxInt64
				return
			}
		}
		blocked, minWM, below := false, int64(math.MaxInt64), 0
		for _, in := range e.insts {
			if in.wm >= end {
				continue
			}
			below++
			if e.isIdle(in) {
				continue
			}
			blocked = true
			minWM = min(minWM, in.wm)
		}
		if blocked {
			rk.end, rk.waiting = end, below
			rk.idleAt = satAdd(minWM, e.idle)
			return
		}
		e.rankPop(h)
	}
	rk.end, rk.idleAt = math.MaxInt64, math.MaxInt64
}

// countWaiting recomputes rk.waiting for rk.end (after Restore).
func (e *Engine) countWaiting() {
	rk := &e.rk
	rk.waiting = 0
	if rk.end == math.MaxInt64 {
		return
	}
	for _, in := range e.insts {
		if in.wm < rk.end {
			rk.waiting++
		}
	}
}

// rankPop ranks and emits the first pending window.
func (e *Engine) rankPop(h record.Emitter) {
	rk := &e.rk
	p := rk.pending[0]
	res := p.res
	// Rank: highest profit first, ties by instrument name; then emit by
	// name. Both orders are total (names are unique), so the output does
	// not depend on the sort; O(n log n) and no allocation.
	slices.SortFunc(res, rankCmp)
	for i := range res {
		res[i].rank = int64(i + 1)
	}
	slices.SortFunc(res, nameCmp)
	for i := range res {
		e.emitProfit(p.k, &res[i], h)
	}
	rk.lastRanked = p.k
	rk.free = append(rk.free, res[:0])
	rk.pending = rk.pending[:copy(rk.pending, rk.pending[1:])]
}

func rankCmp(a, b result) int {
	return cmp.Or(cmp.Compare(b.profit, a.profit), cmp.Compare(a.in.name, b.in.name))
}

func nameCmp(a, b result) int { return cmp.Compare(a.in.name, b.in.name) }

func (e *Engine) emitProfit(k int64, r *result, h record.Emitter) {
	e.prof = record.Profit{
		Instrument:  r.in.name,
		WindowStart: k * e.cfg.Slide,
		WindowEnd:   k*e.cfg.Slide + e.cfg.Window,
		AvgOpen:     r.avgOpen,
		AvgClose:    r.avgClose,
		Profit:      r.profit,
		Rank:        r.rank,
		Bars:        r.bars,
	}
	h.Emit(&e.prof)
}
