package book

import (
	"fmt"
	"math/rand/v2"

	"github.com/bourse/bourse/pkg/record"
)

// gen produces random but valid order streams that hit every rule often:
// a narrow price band (many crosses), small quantities (exact FOK fills and
// one-lot-short kills), ids reused for cancels, replaces and duplicates,
// expiries around the clock, clocks that sometimes go backwards, and now
// and then a price far away from the band.
type gen struct {
	rng     *rand.Rand
	policy  Policy
	next    uint64
	recent  []uint64
	t       int64
	traders []string
	owner   map[uint64]string // trader of the last NEW of each id
	live    func() []uint64   // ids resting now, if the caller knows them
	band    int64             // width of the usual price band in ticks
	// rules makes orders of the opt-in kinds too (stops, icebergs,
	// post-only, own self-trade prevention modes, CANCEL_ALL); off, the
	// stream is exactly what it was without them.
	rules bool
	// session (with rules) jumps the clock now and then by up to a
	// third of a day, and sometimes by days, and makes DAY orders.
	session bool
}

func newGen(seed uint64, policy Policy) *gen {
	g := &gen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), policy: policy, t: 1_700_000_000_000, band: 13, owner: map[uint64]string{}}
	for i := range 5 {
		g.traders = append(g.traders, fmt.Sprintf("TR%d", i))
	}
	return g
}

func (g *gen) pct(p int) bool { return g.rng.IntN(100) < p }

func (g *gen) price() int64 {
	if g.pct(2) {
		return 1 + g.rng.Int64N(1_000_000_000)
	}
	return 1000 + g.rng.Int64N(g.band) - g.band/2
}

func (g *gen) known() uint64 {
	if g.live != nil && g.pct(60) {
		if ids := g.live(); len(ids) > 0 {
			return ids[g.rng.IntN(len(ids))]
		}
	}
	if len(g.recent) == 0 || g.pct(10) {
		return g.rng.Uint64N(g.next + 2)
	}
	return g.recent[g.rng.IntN(len(g.recent))]
}

func (g *gen) order() *record.Order {
	o, _ := g.orderRules()
	return o
}

// orderRules returns the next order and its shorthand, which carries the
// rules' fields.
func (g *gen) orderRules() (*record.Order, ord) {
	switch {
	case g.session && g.pct(4):
		g.t += g.rng.Int64N(Day / 3)
		if g.pct(10) {
			g.t += Day * (1 + g.rng.Int64N(3))
		}
	case g.pct(90):
		g.t += g.rng.Int64N(4)
	case g.pct(50):
		g.t -= g.rng.Int64N(10)
	}
	s := ord{side: record.Side(1 + g.rng.IntN(2)), time: g.t, trader: g.traders[g.rng.IntN(len(g.traders))]}
	r := g.rng.IntN(100)
	if g.rules && g.pct(3) {
		s.act, s.id = MassCancel, 0
		switch t := g.rng.IntN(4); t {
		case 0, 1:
			s.side = record.Side(t + 1)
		default:
			s.side = 0
		}
		return s.order(), s
	}
	switch {
	case r < 60:
		s.act = record.New
		if g.pct(5) && len(g.recent) > 0 {
			s.id = g.known()
		} else {
			g.next++
			s.id = g.next
			g.recent = append(g.recent, s.id)
			if len(g.recent) > 64 {
				g.recent = g.recent[1:]
			}
		}
		s.lots = 1 + g.rng.Int64N(8)
		s.ticks = g.price()
		exact := g.policy == Exact && g.pct(95)
		if !exact {
			if g.pct(12) {
				s.typ, s.ticks = record.Market, 0
			}
			switch t := g.rng.IntN(100); {
			case t < 15:
				s.tif = record.IOC
			case t < 30:
				s.tif = record.FOK
			}
		}
		if g.pct(25) {
			s.exp = g.t + g.rng.Int64N(30) - 2
		}
		if g.rules {
			g.ruleFields(&s)
		}
		if g.session && s.tif == record.GTC && g.pct(30) {
			s.tif = DAY
		}
		g.owner[s.id] = s.trader
	case r < 80:
		s.act, s.id = record.Cancel, g.known()
	default:
		s.act, s.id = record.Replace, g.known()
		// With a session, an auction in the clock advance may fill the
		// order before the replace: the wire's "0 keeps", translated
		// before the advance, would not keep the current values.
		if !g.pct(30) || g.session {
			s.ticks = g.price()
		}
		if !g.pct(30) || g.session {
			s.lots = 1 + g.rng.Int64N(8)
		}
	}
	o := s.order()
	if s.act != record.New {
		// Mostly the owner amends its order; now and then another trader
		// or an anonymous order tries to (NOT_OWNER).
		switch t, ok := g.owner[s.id]; {
		case g.pct(5):
			o.TraderID = ""
		case ok && !g.pct(8):
			o.TraderID = t
		}
	}
	return o, s
}

// ruleFields gives a NEW one of the rules' kinds now and then: a stop near
// the band (a stop limit or a stop market, any time in force), an iceberg
// or a post-only LIMIT GTC (sometimes both), an own self-trade prevention
// mode; rarely an invalid combination or value.
func (g *gen) ruleFields(s *ord) {
	switch r := g.rng.IntN(100); {
	case r < 12:
		s.stop = 1000 + g.rng.Int64N(g.band) - g.band/2
	case r < 24:
		s.typ, s.tif, s.ticks = record.Limit, record.GTC, g.price()
		s.display = 1 + g.rng.Int64N(3)
		s.lots += g.rng.Int64N(12)
		s.post = g.pct(20)
	case r < 32:
		s.typ, s.tif, s.ticks = record.Limit, record.GTC, g.price()
		s.post = true
	case r < 34:
		s.display, s.post, s.stop = -1+g.rng.Int64N(3), g.pct(50), g.rng.Int64N(3)-1
	}
	if g.pct(15) {
		s.stpm = STPMode(g.rng.IntN(4))
	}
	if g.pct(1) {
		s.stpm = 5
	}
}
