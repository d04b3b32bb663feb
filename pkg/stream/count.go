package stream

import "github.com/bourse/bourse/pkg/record"

// Counts tallies the records a job emitted, by kind.
type Counts struct {
	Trades, Events, Bars, SMAs, Profits, Rejects int64
	// Rejected counts REJECTED execution reports among Events.
	Rejected int64
	// BookUpdates and BookSnapshots are match's market data feed.
	BookUpdates, BookSnapshots int64
}

// Total is the number of records emitted of every kind.
func (c Counts) Total() int64 {
	return c.Trades + c.Events + c.Bars + c.SMAs + c.Profits + c.Rejects + c.BookUpdates + c.BookSnapshots
}

// Counter is an Emitter that counts what passes through it to Next.
type Counter struct {
	Next record.Emitter
	Counts
}

func (c *Counter) Trade(t *record.Trade) { c.Trades++; c.Next.Trade(t) }
func (c *Counter) Event(e *record.Event) {
	c.Events++
	if e.Type == record.Rejected {
		c.Rejected++
	}
	c.Next.Event(e)
}
func (c *Counter) Bar(b *record.Bar)               { c.Bars++; c.Next.Bar(b) }
func (c *Counter) SMA(s *record.SMA)               { c.SMAs++; c.Next.SMA(s) }
func (c *Counter) Profit(p *record.Profit)         { c.Profits++; c.Next.Profit(p) }
func (c *Counter) Reject(r *record.Reject)         { c.Rejects++; c.Next.Reject(r) }
func (c *Counter) BookUpdate(u *record.BookUpdate) { c.BookUpdates++; c.Next.BookUpdate(u) }
func (c *Counter) BookSnapshot(s *record.BookSnapshot) {
	c.BookSnapshots++
	c.Next.BookSnapshot(s)
}
