package window

import (
	"math"

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
}

// rankAdd hands a closed window's profit to the ranker. A window that was
// already ranked (its instrument was idle then) is emitted at once with
// Rank 0.
func (e *Engine) rankAdd(in *inst, w *win, h Handler) {
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
func (e *Engine) rankReady(h Handler) {
	rk := &e.rk
	for len(rk.pending) > 0 {
		p := &rk.pending[0]
		end := p.k*e.cfg.Slide + e.cfg.Window
		blocked, minWM := false, int64(math.MaxInt64)
		for _, in := range e.insts {
			if in.wm >= end || e.isIdle(in) {
				continue
			}
			blocked = true
			minWM = min(minWM, in.wm)
		}
		if blocked {
			rk.end = end
			rk.idleAt = satAdd(minWM, e.idle)
			return
		}
		e.rankPop(h)
	}
	rk.end, rk.idleAt = math.MaxInt64, math.MaxInt64
}

// rankPop ranks and emits the first pending window.
func (e *Engine) rankPop(h Handler) {
	rk := &e.rk
	p := rk.pending[0]
	res := p.res
	// Rank: highest profit first, ties by instrument name. n is small
	// (instruments), so insertion sort: no allocation.
	for i := 1; i < len(res); i++ {
		for j := i; j > 0 && rankBefore(&res[j], &res[j-1]); j-- {
			res[j], res[j-1] = res[j-1], res[j]
		}
	}
	for i := range res {
		res[i].rank = int64(i + 1)
	}
	for i := 1; i < len(res); i++ {
		for j := i; j > 0 && res[j].in.name < res[j-1].in.name; j-- {
			res[j], res[j-1] = res[j-1], res[j]
		}
	}
	for i := range res {
		e.emitProfit(p.k, &res[i], h)
	}
	rk.lastRanked = p.k
	rk.free = append(rk.free, res[:0])
	rk.pending = rk.pending[:copy(rk.pending, rk.pending[1:])]
}

func rankBefore(a, b *result) bool {
	if a.profit != b.profit {
		return a.profit > b.profit
	}
	return a.in.name < b.in.name
}

func (e *Engine) emitProfit(k int64, r *result, h Handler) {
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
	h.Profit(&e.prof)
}
