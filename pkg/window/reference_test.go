package window

import (
	"cmp"
	"math/big"
	"slices"
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// output is everything an engine or the reference emits.
type output struct {
	Bars    []record.Bar
	SMAs    []record.SMA
	Profits []record.Profit
	Rejects []record.Reject
	Log     []string // kinds in emission order, for determinism checks
}

func (o *output) Emit(r record.Record) {
	switch r := r.(type) {
	case *record.Bar:
		o.Bars = append(o.Bars, *r)
	case *record.SMA:
		o.SMAs = append(o.SMAs, *r)
	case *record.Profit:
		o.Profits = append(o.Profits, *r)
	case *record.Reject:
		o.Rejects = append(o.Rejects, *r)
	}
	o.Log = append(o.Log, r.Kind().String())
}

// sorted returns a copy with every list in a canonical order, for
// comparing outputs as sets.
func (o *output) sorted() output {
	s := output{
		Bars:    slices.Clone(o.Bars),
		SMAs:    slices.Clone(o.SMAs),
		Profits: slices.Clone(o.Profits),
	}
	slices.SortFunc(s.Bars, func(a, b record.Bar) int {
		return cmp.Or(cmp.Compare(a.Instrument, b.Instrument), cmp.Compare(a.Start, b.Start))
	})
	slices.SortFunc(s.SMAs, func(a, b record.SMA) int {
		return cmp.Or(cmp.Compare(a.Instrument, b.Instrument), cmp.Compare(a.WindowStart, b.WindowStart))
	})
	slices.SortFunc(s.Profits, func(a, b record.Profit) int {
		return cmp.Or(cmp.Compare(a.Instrument, b.Instrument), cmp.Compare(a.WindowStart, b.WindowStart))
	})
	return s
}

// roundHalfEven returns num/den rounded half to even, den > 0.
func roundHalfEven(num, den *big.Int) record.Fixed {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if c := r2.Cmp(den); c > 0 || (c == 0 && q.Bit(0) == 1) {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return record.Fixed(q.Int64())
}

func validTrade(t *record.Trade) bool {
	return t.Instrument != "" && t.Price > 0 && t.Quantity > 0 && t.Price <= record.MaxValue &&
		t.Quantity <= record.MaxValue && t.Time >= 0 && t.Time <= MaxTime
}

// reference computes every bar, SMA and profit of the valid trades with
// plain loops and big integers, at the end: the deliberately naive model
// the Engine is checked against (for inputs without late trades).
func reference(cfg Config, trades []record.Trade) output {
	byInst := map[string][]record.Trade{}
	for _, t := range trades {
		if validTrade(&t) {
			byInst[t.Instrument] = append(byInst[t.Instrument], t)
		}
	}
	var out output
	type agg struct{ opens, closes []record.Fixed }
	windows := map[int64]map[string]*agg{}
	for name, ts := range byInst {
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].Time < ts[j].Time })
		groups := map[int64][]record.Trade{}
		var starts []int64
		for _, t := range ts {
			s := t.Time - t.Time%cfg.Bar // times are >= 0
			if _, ok := groups[s]; !ok {
				starts = append(starts, s)
			}
			groups[s] = append(groups[s], t)
		}
		for _, s := range starts {
			g := groups[s]
			b := record.Bar{Instrument: name, Start: s, End: s + cfg.Bar, Open: g[0].Price, Close: g[len(g)-1].Price, High: g[0].Price, Low: g[0].Price}
			pq, vol := new(big.Int), new(big.Int)
			for _, t := range g {
				b.High = max(b.High, t.Price)
				b.Low = min(b.Low, t.Price)
				b.Volume += t.Quantity
				b.Count++
				pq.Add(pq, new(big.Int).Mul(big.NewInt(int64(t.Price)), big.NewInt(int64(t.Quantity))))
				vol.Add(vol, big.NewInt(int64(t.Quantity)))
			}
			b.VWAP = roundHalfEven(pq, vol)
			out.Bars = append(out.Bars, b)
			// every window k with k*slide <= s < k*slide+window
			for k := floorDiv(s, cfg.Slide); k*cfg.Slide+cfg.Window > s; k-- {
				if windows[k] == nil {
					windows[k] = map[string]*agg{}
				}
				a := windows[k][name]
				if a == nil {
					a = &agg{}
					windows[k][name] = a
				}
				a.opens = append(a.opens, b.Open)
				a.closes = append(a.closes, b.Close)
			}
		}
	}
	for k, insts := range windows {
		var ps []record.Profit
		for name, a := range insts {
			n := big.NewInt(int64(len(a.closes)))
			so, sc := new(big.Int), new(big.Int)
			for i := range a.closes {
				so.Add(so, big.NewInt(int64(a.opens[i])))
				sc.Add(sc, big.NewInt(int64(a.closes[i])))
			}
			start := k * cfg.Slide
			out.SMAs = append(out.SMAs, record.SMA{Instrument: name, WindowStart: start, WindowEnd: start + cfg.Window, SMA: roundHalfEven(sc, n), Bars: int64(len(a.closes))})
			ps = append(ps, record.Profit{
				Instrument: name, WindowStart: start, WindowEnd: start + cfg.Window,
				AvgOpen: roundHalfEven(so, n), AvgClose: roundHalfEven(sc, n),
				Profit: roundHalfEven(new(big.Int).Sub(sc, so), n), Bars: int64(len(a.closes)),
			})
		}
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].Profit != ps[j].Profit {
				return ps[i].Profit > ps[j].Profit
			}
			return ps[i].Instrument < ps[j].Instrument
		})
		for i := range ps {
			ps[i].Rank = int64(i + 1)
		}
		out.Profits = append(out.Profits, ps...)
	}
	return out
}
