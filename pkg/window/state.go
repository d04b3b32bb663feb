package window

import (
	"math"

	"github.com/bourse/bourse/pkg/record"
)

// bar is one open bar of one instrument.
type bar struct {
	start, end    int64
	openT, closeT int64 // times of the trades that set open and close
	open, high    record.Fixed
	low, close    record.Fixed
	vol           record.Fixed
	pq            u128 // sum of price*quantity, in Fixed units squared
	count         int64
}

// add mixes one trade into the bar. The open is the earliest trade (first
// to arrive among equal times), the close the latest (last to arrive among
// equal times), so that bounded disorder within Lateness changes nothing.
func (b *bar) add(t int64, p, q record.Fixed) {
	if b.count == 0 {
		b.openT, b.closeT = t, t
		b.open, b.high, b.low, b.close = p, p, p, p
	} else {
		if t < b.openT {
			b.openT, b.open = t, p
		}
		if t >= b.closeT {
			b.closeT, b.close = t, p
		}
		if p > b.high {
			b.high = p
		}
		if p < b.low {
			b.low = p
		}
	}
	b.vol += q
	b.pq = b.pq.addMul(uint64(p), uint64(q))
	b.count++
}

// vwap is the volume-weighted average price rounded half to even.
func (b *bar) vwap() record.Fixed {
	return record.Fixed(divRound(b.pq, uint64(b.vol)))
}

// win is the running sums of one instrument's closed bars in window k.
type win struct {
	k, end int64
	opens  u128
	closes u128
	n      int64
}

// inst is the state of one instrument.
type inst struct {
	name    string
	id      int32 // index in Engine.insts
	maxTime int64 // largest accepted trade time
	wm      int64 // watermark: maxTime - Lateness
	closed  int64 // closed horizon: a trade earlier than this is late
	next    int64 // smallest end among open bars and windows
	late    int64
	bars    []bar // open bars, ascending start
	wins    []win // open windows, ascending k
}

func newInst(name string) *inst {
	return &inst{name: name, maxTime: math.MinInt64, wm: math.MinInt64, closed: math.MinInt64, next: math.MaxInt64}
}

// barFor returns the open bar that holds time t, inserting it (in start
// order) if needed.
func (in *inst) barFor(t, size int64) *bar {
	start := floorDiv(t, size) * size
	i := len(in.bars)
	for i > 0 && in.bars[i-1].start >= start {
		if in.bars[i-1].start == start {
			return &in.bars[i-1]
		}
		i--
	}
	in.bars = append(in.bars, bar{})
	copy(in.bars[i+1:], in.bars[i:])
	in.bars[i] = bar{start: start, end: start + size}
	if in.bars[i].end < in.next {
		in.next = in.bars[i].end
	}
	return &in.bars[i]
}

// addToWindows adds a closed bar to every window that contains its start:
// k*slide <= start < k*slide+window.
func (in *inst) addToWindows(b *bar, cfg *Config) {
	kHi := floorDiv(b.start, cfg.Slide)
	kLo := floorDiv(b.start-cfg.Window, cfg.Slide) + 1
	j := len(in.wins)
	for j > 0 && in.wins[j-1].k >= kLo {
		j--
	}
	for k := kLo; k <= kHi; k++ {
		if j == len(in.wins) || in.wins[j].k != k {
			in.wins = append(in.wins, win{})
			copy(in.wins[j+1:], in.wins[j:])
			in.wins[j] = win{k: k, end: k*cfg.Slide + cfg.Window}
		}
		w := &in.wins[j]
		w.opens = w.opens.add64(uint64(b.open))
		w.closes = w.closes.add64(uint64(b.close))
		w.n++
		j++
	}
}

// resetNext recomputes the smallest end among open bars and windows.
func (in *inst) resetNext() {
	in.next = math.MaxInt64
	if len(in.bars) > 0 {
		in.next = in.bars[0].end
	}
	if len(in.wins) > 0 && in.wins[0].end < in.next {
		in.next = in.wins[0].end
	}
}
