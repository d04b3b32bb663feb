package match

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// maxRaw is how much of an undecodable record a REJECTED report keeps.
const maxRaw = 1024

// Processor matches the orders of one input partition. It keeps one book
// per instrument seen in that partition.
type Processor struct {
	instruments *record.Instruments
	policy      book.Policy
	books       map[string]*book.Book
	dec         record.OrderDecoder
	order       record.Order
	reject      record.Event
}

// NewProcessor makes a processor over the instruments reference.
func NewProcessor(instruments *record.Instruments, policy book.Policy) *Processor {
	return &Processor{instruments: instruments, policy: policy, books: make(map[string]*book.Book)}
}

// Factory returns a stream.Factory making one processor per partition.
func Factory(instruments *record.Instruments, policy book.Policy) stream.Factory {
	return func(int32) stream.Processor { return NewProcessor(instruments, policy) }
}

// Process decodes, validates and matches one order.
func (p *Processor) Process(rec *stream.Record, out record.Emitter) {
	o := &p.order
	*o = record.Order{}
	if err := p.dec.Decode(rec.Value, o); err != nil {
		p.rejectf(out, err, rec.Value)
		return
	}
	if err := p.instruments.Validate(o); err != nil {
		p.rejectf(out, err, rec.Value)
		return
	}
	p.book(o.Instrument).Submit(o, out)
}

// book returns the instrument's book, creating it on first use.
func (p *Processor) book(symbol string) *book.Book {
	if b, ok := p.books[symbol]; ok {
		return b
	}
	in, _ := p.instruments.Lookup(symbol)
	b := book.New(*in, p.policy, 1024)
	p.books[symbol] = b
	return b
}

// rejectf emits a REJECTED report for an order that failed decoding or
// validation. What was decoded of the order (id, instrument, trader) is
// kept so that the trader can match the report to the order.
func (p *Processor) rejectf(out record.Emitter, err error, raw []byte) {
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
	if len(raw) > maxRaw {
		raw = raw[:maxRaw]
	}
	r.Raw = string(raw)
	if b, ok := p.books[o.Instrument]; ok && o.Instrument != "" {
		r.Time = max(r.Time, b.Clock())
	}
	out.Event(r)
}

// Flush does nothing: resting orders stay in the book.
func (p *Processor) Flush(record.Emitter) {}

// Books returns the processor's books by instrument, for depth queries.
func (p *Processor) Books() map[string]*book.Book { return p.books }

const snapshotVersion = 1

// Snapshot encodes every book, in instrument order.
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
	}
	return dst
}

// Restore replaces every book with the snapshot's.
func (p *Processor) Restore(src []byte) error {
	if len(src) == 0 || src[0] != snapshotVersion {
		return fmt.Errorf("match snapshot: expected version %d", snapshotVersion)
	}
	src = src[1:]
	n, k := binary.Uvarint(src)
	if k <= 0 || n > 1<<20 {
		return errors.New("match snapshot: bad book count")
	}
	src = src[k:]
	books := make(map[string]*book.Book, n)
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
		in, ok := p.instruments.Lookup(string(sym))
		if !ok {
			return fmt.Errorf("match snapshot: instrument %q is not in the instruments reference", sym)
		}
		b := book.New(*in, p.policy, 1024)
		if err := b.Restore(body); err != nil {
			return fmt.Errorf("match snapshot: book %s: %w", sym, err)
		}
		books[string(sym)] = b
	}
	if len(src) != 0 {
		return fmt.Errorf("match snapshot: %d trailing bytes", len(src))
	}
	p.books = books
	return nil
}

func field(src []byte) (val, rest []byte, err error) {
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return nil, nil, errors.New("truncated")
	}
	return src[k : k+int(n)], src[k+int(n):], nil
}
