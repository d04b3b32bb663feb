package window

import (
	"cmp"
	"math"
	"slices"

	"github.com/bourse/bourse/pkg/record"
)

// Flush ends the input: it emits every open bar (by bar start, then
// instrument), then every open window's SMA and profit (by window start,
// then instrument), then ranks every pending window. Trades added after
// Flush that fall before the end of what it emitted are late.
func (e *Engine) Flush(h record.Emitter) {
	fb, fw := e.flushBars[:0], e.flushWins[:0]
	for _, in := range e.insts {
		for i := range in.bars {
			b := &in.bars[i]
			fb = append(fb, flushBar{in, *b})
			if e.windows {
				in.addToWindows(b, &e.cfg)
			}
			in.closed = max(in.closed, b.end)
		}
		in.bars = in.bars[:0]
		for _, w := range in.wins {
			fw = append(fw, flushWin{in, w})
			in.closed = max(in.closed, w.end)
		}
		in.wins = in.wins[:0]
		in.next = math.MaxInt64
	}
	slices.SortFunc(fb, func(a, b flushBar) int {
		return cmp.Or(cmp.Compare(a.b.start, b.b.start), cmp.Compare(a.in.name, b.in.name))
	})
	slices.SortFunc(fw, func(a, b flushWin) int {
		return cmp.Or(cmp.Compare(a.w.k, b.w.k), cmp.Compare(a.in.name, b.in.name))
	})
	if e.opt.Bars {
		for i := range fb {
			e.emitBar(fb[i].in, &fb[i].b, h)
		}
	}
	for i := range fw {
		e.closeWindow(fw[i].in, &fw[i].w, h)
	}
	for len(e.rk.pending) > 0 {
		e.rankPop(h)
	}
	e.rk.end, e.rk.idleAt = math.MaxInt64, math.MaxInt64
	clear(fb)
	clear(fw)
	e.flushBars, e.flushWins = fb[:0], fw[:0]
}
