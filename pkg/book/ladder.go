package book

// ladder holds one side's price levels sorted by priority: keys ascending
// with the best price last, so that the best level, and the levels next to
// it where most activity happens, are at the cheap end of the slice. The
// key is the price in ticks for bids and its negation for asks.
type ladder struct {
	bid  bool
	keys []int64 // sorted ascending, best last
	lvls []int32 // level index for keys[i]
}

func (l *ladder) key(ticks int64) int64 {
	if l.bid {
		return ticks
	}
	return -ticks
}

// find returns the position of key k, or the position where it would be
// inserted. It first walks a few steps down from the best end (new orders
// mostly land near the top of the book), then binary-searches the rest.
func (l *ladder) find(k int64) (int, bool) {
	i := len(l.keys)
	for j := 0; j < 8 && i > 0; j++ {
		switch c := l.keys[i-1]; {
		case c < k:
			return i, false
		case c == k:
			return i - 1, true
		}
		i--
	}
	lo, hi := 0, i
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.keys[m] < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < i && l.keys[lo] == k
}

func (l *ladder) insert(pos int, k int64, li int32) {
	l.keys = append(l.keys, 0)
	l.lvls = append(l.lvls, 0)
	copy(l.keys[pos+1:], l.keys[pos:])
	copy(l.lvls[pos+1:], l.lvls[pos:])
	l.keys[pos] = k
	l.lvls[pos] = li
}

func (l *ladder) removeAt(pos int) {
	copy(l.keys[pos:], l.keys[pos+1:])
	copy(l.lvls[pos:], l.lvls[pos+1:])
	l.keys = l.keys[:len(l.keys)-1]
	l.lvls = l.lvls[:len(l.lvls)-1]
}

// best returns the best level's index, or nilIdx when the side is empty.
func (l *ladder) best() int32 {
	if n := len(l.lvls); n > 0 {
		return l.lvls[n-1]
	}
	return nilIdx
}
