package flow

import (
	"fmt"
	"math/rand/v2"

	"github.com/bourse/bourse/pkg/record"
)

// Mix is the share of each kind of order in a synthetic flow, in percent.
// The shares need not add up to 100: they are weights.
type Mix struct {
	Limit, IOC, FOK, Market, Cancel, Replace int
}

// DefaultMix is close to the benchmark's realistic mix.
func DefaultMix() Mix { return Mix{Limit: 58, IOC: 8, FOK: 2, Market: 5, Cancel: 22, Replace: 5} }

// Config configures a Generator.
type Config struct {
	Seed    uint64
	Start   int64 // first order_timestamp, Unix ms
	Step    int64 // mean simulated time between orders, ms
	Traders int
	FirstID uint64
	Mix     Mix
	// ExpiringPct is the percentage of GTC limit orders with an expires_at.
	ExpiringPct int
	// Profile is "" (the default flow) or ProfileExchange.
	Profile string
}

// DefaultConfig: seed 1, 2023-03-13 09:15:00 UTC, 50 ms apart, 20 traders.
func DefaultConfig() Config {
	return Config{Seed: 1, Start: 1678698900000, Step: 50, Traders: 20, FirstID: 1_000_001, Mix: DefaultMix(), ExpiringPct: 10}
}

// Validate checks the generator configuration.
func (c Config) Validate() error {
	m := c.Mix
	for _, w := range []int{m.Limit, m.IOC, m.FOK, m.Market, m.Cancel, m.Replace} {
		if w < 0 {
			return fmt.Errorf("order mix weights must be >= 0, got %+v", m)
		}
	}
	if m.Limit+m.IOC+m.FOK+m.Market+m.Cancel+m.Replace == 0 {
		return fmt.Errorf("order mix has no weight: %+v", m)
	}
	if c.Step < 0 || c.Traders <= 0 || c.FirstID == 0 {
		return fmt.Errorf("step must be >= 0, traders > 0 and first id > 0, got %d, %d, %d", c.Step, c.Traders, c.FirstID)
	}
	if c.ExpiringPct < 0 || c.ExpiringPct > 100 {
		return fmt.Errorf("expiring percentage must be 0..100, got %d", c.ExpiringPct)
	}
	if c.Profile != "" && c.Profile != ProfileExchange {
		return fmt.Errorf("profile must be empty or %s, got %q", ProfileExchange, c.Profile)
	}
	return nil
}

// recent remembers the last ids sent per instrument, for cancels and
// replaces.
const recent = 64

type instState struct {
	in     record.Instrument
	mid    int64 // ticks
	ids    [recent]uint64
	side   [recent]record.Side
	trader [recent]string // who entered ids[i]: only the owner may cancel or replace
	n      int
}

// Generator produces a deterministic synthetic order flow: a random-walk
// mid price per instrument around its reference price, both sides, a mix
// of order types, expiries, cancels and replaces, and several traders.
// The same Config gives the same orders.
type Generator struct {
	cfg     Config
	rng     *rand.Rand
	insts   []instState
	traders []string
	nextID  uint64
	now     int64
	total   int
	shadows []*shadow // ProfileExchange only: one per instrument
}

// NewGenerator makes a generator over the instruments.
func NewGenerator(cfg Config, instruments []record.Instrument) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(instruments) == 0 {
		return nil, fmt.Errorf("no instruments to trade")
	}
	g := &Generator{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), nextID: cfg.FirstID, now: cfg.Start}
	for _, in := range instruments {
		g.insts = append(g.insts, instState{in: in, mid: int64(in.RefPrice / in.TickSize)})
	}
	for i := 1; i <= cfg.Traders; i++ {
		g.traders = append(g.traders, fmt.Sprintf("T%03d", i))
	}
	m := cfg.Mix
	g.total = m.Limit + m.IOC + m.FOK + m.Market + m.Cancel + m.Replace
	if cfg.Profile == ProfileExchange {
		for _, in := range instruments {
			g.shadows = append(g.shadows, newShadow(in))
		}
	}
	return g, nil
}

// Next fills o with the next order of the flow.
func (g *Generator) Next(o *record.Order) {
	if g.shadows != nil {
		g.nextExchange(o)
		return
	}
	st, _ := g.step()
	*o = record.Order{Instrument: st.in.Symbol, Time: g.now, TraderID: g.traders[g.rng.IntN(len(g.traders))]}
	m := g.cfg.Mix
	k := g.rng.IntN(g.total)
	switch {
	case k < m.Cancel && st.n > 0:
		o.Action = record.Cancel
		i := g.rng.IntN(min(st.n, recent))
		o.ID, o.Side, o.TraderID = st.ids[i], st.side[i], st.trader[i]
		return
	case k < m.Cancel+m.Replace && st.n > 0:
		o.Action = record.Replace
		i := g.rng.IntN(min(st.n, recent))
		o.ID, o.Side, o.TraderID = st.ids[i], st.side[i], st.trader[i]
		g.price(st, o)
		return
	}
	o.ID = g.nextID
	g.nextID++
	if g.rng.IntN(2) == 0 {
		o.Side = record.Buy
	} else {
		o.Side = record.Sell
	}
	o.Quantity = st.in.LotSize * record.Fixed(1+g.rng.IntN(100))
	k = g.rng.IntN(m.Limit + m.IOC + m.FOK + m.Market)
	switch {
	case k < m.Market:
		o.Type = record.Market
	case k < m.Market+m.IOC:
		o.TIF = record.IOC
		g.price(st, o)
	case k < m.Market+m.IOC+m.FOK:
		o.TIF = record.FOK
		g.price(st, o)
	default:
		g.price(st, o)
		if g.rng.IntN(100) < g.cfg.ExpiringPct {
			o.ExpiresAt = g.now + 1000*(30+g.rng.Int64N(600))
		}
		st.ids[st.n%recent], st.side[st.n%recent], st.trader[st.n%recent] = o.ID, o.Side, o.TraderID
		st.n++
	}
}

// step advances the simulated time, picks an instrument and walks its mid
// one tick at a time, never below 10 ticks.
func (g *Generator) step() (*instState, int) {
	if g.cfg.Step > 0 {
		g.now += g.rng.Int64N(2*g.cfg.Step + 1)
	}
	i := g.rng.IntN(len(g.insts))
	st := &g.insts[i]
	switch g.rng.IntN(4) {
	case 0:
		st.mid++
	case 1:
		if st.mid > 10 {
			st.mid--
		}
	}
	return st, i
}

// price sets a limit price a few ticks around the mid: buyers mostly below,
// sellers mostly above, with enough overlap that many orders cross.
func (g *Generator) price(st *instState, o *record.Order) {
	off := g.rng.Int64N(9) - 2 // -2..6 ticks away from the mid, on the passive side
	ticks := st.mid - off
	if o.Side == record.Sell {
		ticks = st.mid + off
	}
	ticks = max(ticks, 1)
	o.Price = record.Fixed(ticks) * st.in.TickSize
}
