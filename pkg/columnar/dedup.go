package columnar

import (
	"math"
	"path/filepath"
	"sort"

	"github.com/bourse/bourse/pkg/stream"
)

// Selection is a micro-batch file to read and which of its rows to keep:
// those whose source offset is greater than After.
type Selection struct {
	Path  string
	Range stream.Range
	After int64 // math.MinInt64: every row
}

// Plan de-duplicates micro-batch files (as listed by ListFiles). Files are
// grouped by directory, source and partition. Within a group, a file whose
// range lies inside another file's range is dropped; a file whose range
// starts inside an earlier-starting file's range keeps only the rows past
// that file's Last. The selections come back in path order, with the paths
// of the dropped files.
func Plan(paths []string) (keep []Selection, dropped []string, err error) {
	type key struct {
		dir       string
		source    string
		partition int32
	}
	groups := map[key][]Selection{}
	for _, p := range paths {
		r, err := ParseBatchName(filepath.Base(p))
		if err != nil {
			return nil, nil, err
		}
		k := key{filepath.Dir(p), r.Source, r.Partition}
		groups[k] = append(groups[k], Selection{Path: p, Range: r, After: math.MinInt64})
	}
	for _, g := range groups {
		sort.Slice(g, func(i, j int) bool {
			if g[i].Range.First != g[j].Range.First {
				return g[i].Range.First < g[j].Range.First
			}
			return g[i].Range.Last > g[j].Range.Last
		})
		maxLast, any := int64(math.MinInt64), false
		for _, s := range g {
			switch {
			case any && s.Range.Last <= maxLast:
				dropped = append(dropped, s.Path)
				continue
			case any && s.Range.First <= maxLast:
				s.After = maxLast
			}
			keep = append(keep, s)
			maxLast, any = s.Range.Last, true
		}
	}
	sort.Slice(keep, func(i, j int) bool { return keep[i].Path < keep[j].Path })
	sort.Strings(dropped)
	return keep, dropped, nil
}
