package match

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// Options are the processor's settings beyond the reference and the
// policy. The zero value turns the clock rule off.
type Options struct {
	// MaxClockSkew (ms) is how far an order's timestamp may run ahead of
	// both its instrument's clock and the reference time before the order
	// is REJECTED (CLOCK_SKEW); 0 turns the rule off.
	MaxClockSkew int64
	// Now (Unix ms) is the reference time for records that carry none
	// (file mode), fixed once when the job starts; 0 means none.
	Now int64
	// Feed turns on the book feed (feed.go).
	Feed FeedOptions
	// STP is the books' self-trade prevention mode (book.Rules.STP).
	STP book.STPMode
	// Session is the books' daily schedule (ParseSession; the zero value:
	// none); each book adds its instrument's reference price and halts.
	Session book.Session
}

// Processor matches the orders of one input partition. It keeps one book
// per instrument seen in that partition.
type Processor struct {
	instruments *record.Instruments
	policy      book.Policy
	opt         Options
	books       map[string]*book.Book
	// seqs is each book's feed position, kept (and snapshotted) whether the
	// feed is on or not; feed is nil when it is off.
	seqs map[string]*feedSeq
	feed *feed
	// retired lists, in symbol order, books restored for instruments the
	// reference no longer lists (or lists with other sizes) whose resting
	// orders are still to be cancelled.
	retired []string
	dec     record.OrderDecoder
	order   record.Order
	reject  record.Event
	rawBuf  []byte
}

// NewProcessor makes a processor over the instruments reference with the
// clock rule off (Options{}).
func NewProcessor(instruments *record.Instruments, policy book.Policy) *Processor {
	return NewProcessorWith(instruments, policy, Options{})
}

// NewProcessorWith makes a processor over the instruments reference.
func NewProcessorWith(instruments *record.Instruments, policy book.Policy, opt Options) *Processor {
	p := &Processor{instruments: instruments, policy: policy, opt: opt, books: make(map[string]*book.Book), seqs: make(map[string]*feedSeq)}
	if opt.Feed.On {
		p.feed = newFeed(opt.Feed)
	}
	return p
}

// Factory returns a stream.Factory making one processor per partition.
func Factory(instruments *record.Instruments, policy book.Policy, opt Options) stream.Factory {
	return func(int32) stream.Processor { return NewProcessorWith(instruments, policy, opt) }
}

// Process decodes, checks and matches one order. The checks, in order:
// decoding, the record key (KEY_MISMATCH, KEY_MISSING), the trader id
// (BAD_TRADER_ID), the instruments reference, the clock (CLOCK_SKEW); then
// the book applies its own rules. Resting orders of retired instruments
// are cancelled first.
func (p *Processor) Process(rec *stream.Record, out record.Emitter) {
	if len(p.retired) > 0 {
		p.cancelRetired(out)
	}
	o := &p.order
	if err := p.decode(rec, o); err != nil {
		p.rejectf(out, err, rec.Value)
		return
	}
	if err := checkKey(rec, o); err != nil {
		p.rejectf(out, err, p.raw(rec))
		return
	}
	if err := record.CheckTraderID(o.TraderID); err != nil {
		o.TraderID = "" // never echo control characters into a report field
		p.rejectf(out, err, p.raw(rec))
		return
	}
	if err := p.instruments.Validate(o); err != nil {
		p.rejectf(out, err, p.raw(rec))
		return
	}
	b := p.books[o.Instrument]
	if ref, clock := p.refTime(rec), bookClock(b); p.skewed(o.Time, ref, clock) {
		// Stamped with the clock, or the reference time, never the order's
		// own far-future time.
		at := ref
		if clock != 0 {
			at = clock
		}
		p.rejectAt(out, errSkew(o.Time, ref, clock, p.opt.MaxClockSkew), p.raw(rec), at)
		return
	}
	if b == nil {
		b = p.book(o.Instrument)
	}
	if p.feed == nil {
		b.Submit(o, out)
		return
	}
	s := p.seqs[o.Instrument]
	p.feed.before(b, s, out)
	b.Submit(o, out)
	p.feed.after(b, s, out)
}

// decode decodes rec into o, or copies the order a replay decoded.
func (p *Processor) decode(rec *stream.Record, o *record.Order) error {
	if d, ok := rec.Decoded.(*record.Order); ok {
		*o = *d
		return nil
	}
	return p.dec.Decode(rec.Value, o)
}

// raw is the text of rec for a report: its value, or the JSON of the order
// a replay decoded.
func (p *Processor) raw(rec *stream.Record) []byte {
	if d, ok := rec.Decoded.(*record.Order); ok {
		p.rawBuf = record.AppendOrderJSON(p.rawBuf[:0], d)
		return p.rawBuf
	}
	return rec.Value
}

// checkKey enforces the keying rule that keeps one book per instrument: a
// Kafka record's key, when present, is its order's instrument; a keyless
// record is accepted only from a one-partition topic (or a file, where
// Partitions is 0).
func checkKey(rec *stream.Record, o *record.Order) error {
	if len(rec.Key) > 0 {
		if string(rec.Key) == o.Instrument {
			return nil
		}
		return &record.Error{Reason: record.ReasonKeyMismatch, Message: "record key: expected the instrument " +
			strconv.Quote(o.Instrument) + ", got " + strconv.Quote(truncate(rec.Key))}
	}
	if rec.Partitions > 1 {
		return &record.Error{Reason: record.ReasonKeyMissing, Message: "record key: expected the instrument " +
			strconv.Quote(o.Instrument) + " on a topic of " + strconv.Itoa(int(rec.Partitions)) + " partitions, got no key"}
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 64 {
		b = b[:64]
	}
	return string(b)
}

// refTime is the reference time of the clock rule: the record's own
// (Kafka) timestamp, else the job's start time.
func (p *Processor) refTime(rec *stream.Record) int64 {
	if rec.Time != 0 {
		return rec.Time
	}
	return p.opt.Now
}

func bookClock(b *book.Book) int64 {
	if b == nil {
		return 0
	}
	return b.Clock()
}

// skewed reports whether an order stamped t runs more than MaxClockSkew
// ahead of the reference time ref and of the instrument clock (when the
// instrument has one). Without a reference time the rule does not apply.
func (p *Processor) skewed(t, ref, clock int64) bool {
	d := p.opt.MaxClockSkew
	return d > 0 && ref > 0 && t-ref > d && (clock == 0 || t-clock > d)
}

func errSkew(t, ref, clock, d int64) error {
	var b []byte
	b = append(b, "order_timestamp: expected at most "...)
	b = append(b, (time.Duration(d) * time.Millisecond).String()...)
	b = append(b, " ahead of the reference time "...)
	b = record.AppendTime(b, ref)
	if clock != 0 {
		b = append(b, " or of the instrument clock "...)
		b = record.AppendTime(b, clock)
	}
	b = append(b, ", got "...)
	b = record.AppendTime(b, t)
	return &record.Error{Reason: record.ReasonClockSkew, Message: string(b)}
}

// book returns the instrument's book, creating it on first use.
func (p *Processor) book(symbol string) *book.Book {
	if b, ok := p.books[symbol]; ok {
		return b
	}
	in, _ := p.instruments.Lookup(symbol)
	b := book.New(*in, p.policy, 1024)
	p.setRules(b, in)
	b.TrackChanges(p.feed != nil)
	p.books[symbol] = b
	p.seqs[symbol] = &feedSeq{synced: true}
	return b
}

// setRules gives b the exchange rules of its instrument in: the --stp
// mode, the static price band of band_pct around ref_price, and the
// --session schedule with ref_price as the auctions' reference and the
// instrument's halt_pct, halt_for and halt_window (halts need a session:
// without one they are not applied). Under the exact policy a book has no rules
// (--stp and --session are refused there, band_pct is not applied).
func (p *Processor) setRules(b *book.Book, in *record.Instrument) {
	if p.policy != book.PriceTime {
		return
	}
	// The reference was validated (0 < band_pct < 100, ref_price > 0), so
	// SetRules accepts it.
	_ = b.SetRules(book.InstrumentRules(in, p.opt.STP))
	if s := p.session(in); s != (book.Session{}) {
		// Validated too (ParseSession; halt_for and halt_window 1-86400 s,
		// with halt_pct);
		// every caller gives it an empty book.
		_ = b.SetSession(s)
	}
}

// session is in's book session under --session (none when it is off).
func (p *Processor) session(in *record.Instrument) book.Session {
	if p.policy != book.PriceTime {
		return book.Session{}
	}
	return book.InstrumentSession(in, p.opt.Session)
}

// restoreBook restores body into b, which has the rules and session of
// the current settings when same (the instrument is unchanged) and none
// otherwise. A snapshot taken under another session (--session or the
// instrument's halt settings changed between runs) is restored under its
// own session, and the current one applied after, which the book refuses
// while it is crossed (in PRE_OPEN or a halt): the run then fails with a
// reason rather than guess how to end the old session's auction.
func (p *Processor) restoreBook(b *book.Book, body []byte, in *record.Instrument, same bool) error {
	was, err := book.SnapshotSession(body)
	if err != nil {
		return err
	}
	var want book.Session
	if same {
		want = p.session(in)
	}
	if was == want {
		return b.Restore(body)
	}
	if err := b.SetSession(was); err != nil {
		return err
	}
	if err := b.Restore(body); err != nil {
		return err
	}
	if !same {
		return nil
	}
	if err := b.SetSession(want); err != nil {
		return fmt.Errorf("the snapshot was taken under another trading session (%+v) and the book cannot change session now: %w; restart with the previous --session and instrument halt settings until its phase is CONTINUOUS or CLOSED", was, err)
	}
	return nil
}

// rejectf emits a REJECTED report for an order that failed decoding or
// validation. What was decoded of the order (id, instrument, trader) is
// kept so that the trader can match the report to the order.
func (p *Processor) rejectf(out record.Emitter, err error, raw []byte) {
	p.rejectAt(out, err, raw, -1)
}

// rejectAt is rejectf with the report's time: at when it is not negative,
// else the order's time or its instrument's clock, whichever is later.
func (p *Processor) rejectAt(out record.Emitter, err error, raw []byte, at int64) {
	o := &p.order
	r := &p.reject
	*r = record.Event{
		Type: record.Rejected, OrderID: o.ID, Instrument: o.Instrument, TraderID: o.TraderID,
		Side: o.Side, OrderType: o.Type, TIF: o.TIF, Price: o.Price, Quantity: o.Quantity, Time: o.Time,
	}
	var re *record.Error
	if errors.As(err, &re) {
		r.Reason, r.Message = re.Reason, re.Message
	} else {
		r.Reason, r.Message = record.ReasonBadJSON, err.Error()
	}
	r.Raw = record.RawText(raw)
	if b, ok := p.books[o.Instrument]; ok && o.Instrument != "" {
		r.Time = max(r.Time, b.Clock())
	}
	if at >= 0 {
		r.Time = at
	}
	out.Emit(r)
}

// Flush cancels the resting orders of retired instruments, if any; other
// resting orders stay in their books. With the feed on it then emits the
// end-of-run book snapshots (End).
func (p *Processor) Flush(out record.Emitter) {
	if len(p.retired) > 0 {
		p.cancelRetired(out)
	}
	p.End(out)
}

// End marks the end of a run (file mode: Flush; Kafka: the end of a
// bounded run's input partition): with the feed on, it emits a book
// snapshot of every instrument updated since its last snapshot.
func (p *Processor) End(out record.Emitter) {
	if p.feed != nil {
		p.feed.end(p.books, p.seqs, out)
	}
}

// cancelRetired cancels every resting order of the retired books, in
// symbol order, with INSTRUMENT_REMOVED (or INSTRUMENT_CHANGED when the
// reference lists the symbol with other sizes; that book then takes the new
// sizes and keeps its clock and trade sequence). A removed instrument's
// empty book stays, so that its trade ids continue should it be listed again.
func (p *Processor) cancelRetired(out record.Emitter) {
	for _, sym := range p.retired {
		b := p.books[sym]
		old := b.Instrument()
		s := p.seqs[sym]
		if p.feed != nil {
			p.feed.before(b, s, out)
		}
		if in, ok := p.instruments.Lookup(sym); ok {
			b.CancelAll(record.ReasonInstrumentChanged, fmt.Sprintf(
				"instrument %s: expected tick size %s and lot size %s as when the order rested, the reference now has %s and %s",
				sym, old.TickSize, old.LotSize, in.TickSize, in.LotSize), out)
			if p.feed != nil {
				p.feed.after(b, s, out) // in the old sizes
			}
			b.Reinstrument(*in)
			p.setRules(b, in)
		} else {
			b.CancelAll(record.ReasonInstrumentRemoved, fmt.Sprintf(
				"instrument %s: expected it in the instruments reference, it was removed while the order rested", sym), out)
			if p.feed != nil {
				p.feed.after(b, s, out)
			}
		}
	}
	p.retired = p.retired[:0]
}

// Books returns the processor's books by instrument, for depth queries.
func (p *Processor) Books() map[string]*book.Book { return p.books }

// Snapshot versions: 1 holds the books; 2 adds each book's feed position
// (seq, snapshot seq, and whether the feed followed the book: 1 byte).
// Restore reads both; a version 1 book restores at seq 0, not followed.
const (
	snapshotV1      = 1
	snapshotVersion = 2
)

// Snapshot encodes every book and its feed position, in instrument order.
func (p *Processor) Snapshot(dst []byte) []byte {
	syms := make([]string, 0, len(p.books))
	for s := range p.books {
		syms = append(syms, s)
	}
	sort.Strings(syms)
	dst = append(dst, snapshotVersion)
	dst = binary.AppendUvarint(dst, uint64(len(syms)))
	for _, s := range syms {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
		body := p.books[s].Snapshot(nil)
		dst = binary.AppendUvarint(dst, uint64(len(body)))
		dst = append(dst, body...)
		fs := p.seqs[s]
		dst = binary.AppendUvarint(dst, fs.seq)
		dst = binary.AppendUvarint(dst, fs.snapSeq)
		synced := byte(0)
		if fs.synced && p.feed != nil {
			synced = 1
		}
		dst = append(dst, synced)
	}
	return dst
}

// Restore replaces every book with the snapshot's. A book of an instrument
// the reference no longer lists, or lists with another tick or lot size, is
// restored as it was and retired: its resting orders are cancelled with
// execution reports on the next Process or Flush. Only a corrupt snapshot
// is an error.
func (p *Processor) Restore(src []byte) error {
	if len(src) == 0 || (src[0] != snapshotV1 && src[0] != snapshotVersion) {
		got := "nothing"
		if len(src) > 0 {
			got = strconv.Itoa(int(src[0]))
		}
		return fmt.Errorf("match snapshot: expected version %d or %d, got %s", snapshotV1, snapshotVersion, got)
	}
	version := src[0]
	src = src[1:]
	n, k := binary.Uvarint(src)
	if k <= 0 || n > 1<<20 {
		return errors.New("match snapshot: bad book count")
	}
	src = src[k:]
	books := make(map[string]*book.Book, n)
	seqs := make(map[string]*feedSeq, n)
	var retired []string
	for i := uint64(0); i < n; i++ {
		sym, rest, err := field(src)
		if err != nil {
			return fmt.Errorf("match snapshot: instrument %d: %w", i, err)
		}
		body, rest, err := field(rest)
		if err != nil {
			return fmt.Errorf("match snapshot: book %s: %w", sym, err)
		}
		src = rest
		fs := &feedSeq{}
		if version >= 2 {
			if src, err = feedPosition(src, fs); err != nil {
				return fmt.Errorf("match snapshot: book %s: feed position: %w", sym, err)
			}
		}
		was, err := book.SnapshotInstrument(body)
		if err != nil {
			return fmt.Errorf("match snapshot: book %s: %w", sym, err)
		}
		if was.Symbol != string(sym) {
			return fmt.Errorf("match snapshot: book %s: expected its own symbol inside, got %q", sym, was.Symbol)
		}
		in, listed := p.instruments.Lookup(was.Symbol)
		same := listed && in.TickSize == was.TickSize && in.LotSize == was.LotSize
		if same {
			was = *in
		}
		b := book.New(was, p.policy, 1024)
		if same {
			p.setRules(b, in)
		}
		if err := p.restoreBook(b, body, in, same); err != nil {
			return fmt.Errorf("match snapshot: book %s: %w", sym, err)
		}
		switch {
		case same:
		case b.Len() > 0:
			retired = append(retired, was.Symbol)
		case listed:
			b.Reinstrument(*in)
			p.setRules(b, in)
		}
		b.TrackChanges(p.feed != nil)
		books[was.Symbol] = b
		seqs[was.Symbol] = fs
	}
	if len(src) != 0 {
		return fmt.Errorf("match snapshot: %d trailing bytes", len(src))
	}
	p.books, p.seqs = books, seqs
	sort.Strings(retired)
	p.retired = retired
	return nil
}

func field(src []byte) (val, rest []byte, err error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return nil, nil, errors.New("truncated")
	}
	return src[k : k+int(n)], src[k+int(n):], nil
}

// feedPosition reads a book's feed position into fs.
func feedPosition(src []byte, fs *feedSeq) ([]byte, error) {
	var k int
	if fs.seq, k = binary.Uvarint(src); k <= 0 {
		return nil, errors.New("truncated seq")
	}
	src = src[k:]
	if fs.snapSeq, k = binary.Uvarint(src); k <= 0 || fs.snapSeq > fs.seq {
		return nil, fmt.Errorf("expected a snapshot seq at most the seq %d", fs.seq)
	}
	src = src[k:]
	if len(src) == 0 || src[0] > 1 {
		return nil, errors.New("expected a followed flag of 0 or 1")
	}
	fs.synced = src[0] == 1
	return src[1:], nil
}
