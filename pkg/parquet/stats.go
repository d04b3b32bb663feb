package parquet

import (
	"encoding/binary"
	"slices"
	"strings"

	pq "github.com/xitongsys/parquet-go/parquet"
)

// stat is the statistics of a page or column chunk, in the sort order of
// the column's logical type: unsigned for UINT_64, bytewise for strings,
// signed otherwise.
type stat struct {
	has        bool
	minI, maxI int64
	minS, maxS string
	nulls      int64
}

func less(k kind, a, b int64) bool {
	if k == kU64 {
		return uint64(a) < uint64(b)
	}
	return a < b
}

// stat computes the statistics of values lo..hi of the current column
// (nulls excluded: the caller counts them).
func (f *fileWriter) stat(k kind, lo, hi int) stat {
	var s stat
	if lo == hi {
		return s
	}
	if k.isString() {
		vals := f.strs[lo:hi]
		s.has, s.minS, s.maxS = true, vals[0], vals[0]
		for _, v := range vals[1:] {
			if v < s.minS {
				s.minS = v
			} else if v > s.maxS {
				s.maxS = v
			}
		}
		return s
	}
	for _, v := range f.ints[lo:hi] {
		switch {
		case !s.has:
			s.has, s.minI, s.maxI = true, v, v
		case less(k, v, s.minI):
			s.minI = v
		case less(k, s.maxI, v):
			s.maxI = v
		}
	}
	return s
}

// merge folds o into s.
func (s *stat) merge(k kind, o stat) {
	s.nulls += o.nulls
	switch {
	case !o.has:
	case !s.has:
		s.has, s.minI, s.maxI, s.minS, s.maxS = true, o.minI, o.maxI, o.minS, o.maxS
	case k.isString():
		s.minS, s.maxS = min(s.minS, o.minS), max(s.maxS, o.maxS)
	default:
		if less(k, o.minI, s.minI) {
			s.minI = o.minI
		}
		if less(k, s.maxI, o.maxI) {
			s.maxI = o.maxI
		}
	}
}

// thrift returns the statistics as Parquet stores them: min_value and
// max_value (PLAIN, strings without their length); the deprecated min and
// max too where their signed order is the type's order.
func (s stat) thrift(k kind) *pq.Statistics {
	nulls := s.nulls
	t := &pq.Statistics{NullCount: &nulls}
	if !s.has {
		return t
	}
	switch {
	case k.isString():
		t.MinValue, t.MaxValue = []byte(s.minS), []byte(s.maxS)
		return t
	case k == kBool:
		t.MinValue, t.MaxValue = []byte{byte(s.minI)}, []byte{byte(s.maxI)}
		t.Min, t.Max = t.MinValue, t.MaxValue
		return t
	}
	t.MinValue = binary.LittleEndian.AppendUint64(nil, uint64(s.minI))
	t.MaxValue = binary.LittleEndian.AppendUint64(nil, uint64(s.maxI))
	if k != kU64 {
		t.Min, t.Max = t.MinValue, t.MaxValue
	}
	return t
}

// rankWords ranks the string dictionary's words, so that a dictionary
// page's min and max are found by comparing integers.
func (f *fileWriter) rankWords() {
	words := f.words.values
	f.order = f.order[:0]
	for i := range words {
		f.order = append(f.order, uint32(i))
	}
	slices.SortFunc(f.order, func(a, b uint32) int { return strings.Compare(words[a], words[b]) })
	f.ranks = slices.Grow(f.ranks[:0], len(words))[:len(words)]
	for r, id := range f.order {
		f.ranks[id] = uint32(r)
	}
}

// wordStat is stat for values lo..hi of a dictionary-encoded string column.
func (f *fileWriter) wordStat(lo, hi int) stat {
	if lo == hi {
		return stat{}
	}
	ids := f.words.ids[lo:hi]
	lo, hi = int(f.ranks[ids[0]]), int(f.ranks[ids[0]])
	for _, id := range ids[1:] {
		r := int(f.ranks[id])
		lo, hi = min(lo, r), max(hi, r)
	}
	w := f.words.values
	return stat{has: true, minS: w[f.order[lo]], maxS: w[f.order[hi]]}
}
