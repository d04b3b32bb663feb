package match

import (
	"slices"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

// The book feed: market-by-price updates and periodic snapshots of every
// book, emitted by the processor beside the trades (docs/CONTRACT.md).
//
// After each input record (and each cancel-all of a retired instrument)
// that changed a book, one BookUpdate lists the changed levels with their
// new totals (the book's own change list, book.DrainChanges) and the best
// bid and offer after it. Seq counts an instrument's updates from 1 with no
// gap; it is part of the processor's snapshot, so it continues across
// restarts. A BookSnapshot of the top Depth levels per side follows every
// SnapshotEvery-th update (seq a multiple of SnapshotEvery: the same input
// gives the same snapshots whatever the restarts), and one is emitted at
// the end of a run (Flush in file mode, End at the end of a bounded Kafka
// run) for every instrument whose latest snapshot is older than its latest
// update.
//
// A book whose state the feed did not follow — restored from a snapshot
// written with the feed off, or by a bourse without the feed — is
// resynchronised before its next record: seq advances by one with a
// snapshot and no update, so that a client that had the previous seq sees
// a gap and reloads the snapshot, as the join protocol says.

// FeedOptions configure the book feed; the zero value turns it off.
type FeedOptions struct {
	On bool
	// SnapshotEvery is the number of updates of an instrument between two
	// periodic snapshots (default 1000).
	SnapshotEvery uint64
	// Depth is the number of levels per side in a snapshot (default 20).
	Depth int
}

// Defaults of FeedOptions.
const (
	DefaultBookSnapshotEvery = 1000
	DefaultBookDepth         = 20
)

// feedSeq is an instrument's feed position: the seq of its last update and
// of its last snapshot, and whether the feed has followed every change of
// its book since that seq was issued.
type feedSeq struct {
	seq, snapSeq uint64
	synced       bool
}

// feed builds the records; its slices are reused from record to record.
type feed struct {
	opt     FeedOptions
	changes []book.Change
	depth   []book.Level
	upd     record.BookUpdate
	snap    record.BookSnapshot
}

func newFeed(opt FeedOptions) *feed {
	if opt.SnapshotEvery == 0 {
		opt.SnapshotEvery = DefaultBookSnapshotEvery
	}
	if opt.Depth <= 0 {
		opt.Depth = DefaultBookDepth
	}
	return &feed{opt: opt, changes: make([]book.Change, 0, 16), depth: make([]book.Level, 0, opt.Depth)}
}

// before resynchronises a book the feed has not followed, before the
// record that is about to change it.
func (f *feed) before(b *book.Book, s *feedSeq, out record.Emitter) {
	if s.synced {
		return
	}
	s.synced = true
	if b.Len() == 0 && s.seq == 0 {
		return // an empty book at seq 0 is what a client starts from
	}
	s.seq++
	f.snapshot(b, s, out)
}

// after emits the update of the changes the book has recorded, if any, and
// the periodic snapshot when it is due.
func (f *feed) after(b *book.Book, s *feedSeq, out record.Emitter) {
	f.changes = b.DrainChanges(f.changes[:0])
	if len(f.changes) == 0 {
		return
	}
	in := b.Instrument()
	s.seq++
	u := &f.upd
	levels := u.Levels[:0]
	for _, c := range f.changes {
		levels = append(levels, record.BookLevel{Side: c.Side, Price: record.Fixed(c.Ticks) * in.TickSize,
			Quantity: record.Fixed(c.Lots) * in.LotSize, Orders: int64(c.Orders)})
	}
	*u = record.BookUpdate{Instrument: in.Symbol, Seq: s.seq, Time: b.Clock(), Levels: levels}
	if l, ok := f.best(b, record.Buy); ok {
		u.HasBid, u.Bid, u.BidQty, u.BidOrders = true, l.Price, l.Quantity, l.Orders
	}
	if l, ok := f.best(b, record.Sell); ok {
		u.HasAsk, u.Ask, u.AskQty, u.AskOrders = true, l.Price, l.Quantity, l.Orders
	}
	out.Emit(u)
	if s.seq%f.opt.SnapshotEvery == 0 {
		f.snapshot(b, s, out)
	}
}

func (f *feed) best(b *book.Book, side record.Side) (record.BookLevel, bool) {
	f.depth = b.Depth(side, 1, f.depth[:0])
	if len(f.depth) == 0 {
		return record.BookLevel{}, false
	}
	return f.level(b, f.depth[0]), true
}

func (f *feed) level(b *book.Book, l book.Level) record.BookLevel {
	in := b.Instrument()
	return record.BookLevel{Price: record.Fixed(l.Ticks) * in.TickSize, Quantity: record.Fixed(l.Lots) * in.LotSize, Orders: int64(l.Orders)}
}

// snapshot emits the top levels of b as of s.seq.
func (f *feed) snapshot(b *book.Book, s *feedSeq, out record.Emitter) {
	sn := &f.snap
	bids, asks := sn.Bids[:0], sn.Asks[:0]
	f.depth = b.Depth(record.Buy, f.opt.Depth, f.depth[:0])
	for _, l := range f.depth {
		bids = append(bids, f.level(b, l))
	}
	f.depth = b.Depth(record.Sell, f.opt.Depth, f.depth[:0])
	for _, l := range f.depth {
		asks = append(asks, f.level(b, l))
	}
	*sn = record.BookSnapshot{Instrument: b.Instrument().Symbol, Seq: s.seq, Time: b.Clock(), Bids: bids, Asks: asks}
	out.Emit(sn)
	s.snapSeq = s.seq
}

// end emits a snapshot, in instrument order, of every book updated since
// its last snapshot.
func (f *feed) end(books map[string]*book.Book, seqs map[string]*feedSeq, out record.Emitter) {
	syms := make([]string, 0, len(seqs))
	for sym, s := range seqs {
		if s.synced && s.seq > s.snapSeq {
			syms = append(syms, sym)
		}
	}
	slices.Sort(syms)
	for _, sym := range syms {
		f.snapshot(books[sym], seqs[sym], out)
	}
}
