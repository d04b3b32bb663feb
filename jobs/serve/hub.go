package serve

import (
	"strconv"
	"sync"
)

// Kind is the kind of a stream event.
type Kind uint8

// Stream event kinds; the stream's ?kinds= filter uses their names.
const (
	KindTrade Kind = iota
	KindOrder      // execution reports, only to the order's trader
	KindBar
	KindSMA
	KindProfit
	KindBook         // book feed updates (event "book")
	KindBookSnapshot // a whole book (event "book_snapshot"): after a gap in the feed; filtered as "book"
	numKinds
)

var kindNames = [numKinds]string{"trades", "orders", "bars", "sma", "profit", "book", "book"}
var eventNames = [numKinds]string{"trade", "order", "bar", "sma", "profit", "book", "book_snapshot"}

// String returns the filter name of k: trades, orders, bars, sma, profit,
// book.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "unknown"
}

// ParseKind parses a filter name.
func ParseKind(s string) (Kind, bool) {
	for k, n := range kindNames {
		if n == s {
			return Kind(k), true
		}
	}
	return 0, false
}

// Frame is one stream event, encoded once as a Server-Sent Events frame
// and shared by every subscriber.
type Frame struct {
	Seq        uint64
	Kind       Kind
	Instrument string
	Trader     string // for KindOrder: the order's trader
	Data       []byte // "id: <seq>\nevent: <kind>\ndata: <json>\n\n"

	// For KindTrade: the buyer and the seller and their order ids, never
	// in Data (the public tape is anonymous); each party's stream adds its
	// own order id (ownTrade).
	Parties [2]string
	Orders  [2]uint64
}

// Hub is the stream's ring buffer: it numbers events with a global,
// monotonically increasing sequence, holds the newest ones so a client that
// reconnects with its last event id misses nothing still held, and wakes
// subscribers when events arrive. It starts numbering after base, so that
// ids of an earlier server run (a smaller base) are recognised as not held.
type Hub struct {
	mu    sync.RWMutex
	ring  []*Frame // pointers: a reader copies 8 bytes per event under the lock, not the frame
	first uint64   // sequence of the first event
	next  uint64   // sequence of the next event
	wake  chan struct{}
}

// NewHub returns a hub holding the newest capacity events, whose first
// event has sequence base+1.
func NewHub(capacity int, base uint64) *Hub {
	if capacity < 1 {
		capacity = 1
	}
	return &Hub{ring: make([]*Frame, capacity), first: base + 1, next: base + 1, wake: make(chan struct{})}
}

// Publish appends an event with the JSON payload data and wakes the
// subscribers. It returns the event's sequence.
func (h *Hub) Publish(k Kind, instrument, trader string, data []byte) uint64 {
	return h.publish(Frame{Kind: k, Instrument: instrument, Trader: trader}, data)
}

// publish appends fr (Seq and Data are set here) with the payload data.
func (h *Hub) publish(fr Frame, data []byte) uint64 {
	k := fr.Kind
	// a new frame and buffer per event, encoded before taking the lock:
	// readers write published frames out unlocked.
	f := new(Frame)
	buf := make([]byte, 0, len(data)+48)
	h.mu.Lock()
	seq := h.next
	h.next++
	buf = append(buf, "id: "...)
	buf = strconv.AppendUint(buf, seq, 10)
	buf = append(buf, "\nevent: "...)
	buf = append(buf, eventNames[k]...)
	buf = append(buf, "\ndata: "...)
	buf = append(buf, data...)
	buf = append(buf, "\n\n"...)
	fr.Seq, fr.Data = seq, buf
	*f = fr
	h.ring[seq%uint64(len(h.ring))] = f
	wake := h.wake
	h.wake = make(chan struct{})
	h.mu.Unlock()
	close(wake)
	return seq
}

// Last returns the sequence of the newest event (base when none).
func (h *Hub) Last() uint64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.next - 1
}

// Read appends to dst up to max events after sequence after, oldest
// first, and returns the sequence of the last one appended (after when
// none). gap is true when the events right after `after` are no longer held,
// or after is not a sequence of this hub (an earlier server run, or ahead):
// dst then starts at the oldest held event. wake is closed when an event is
// published after this call. Frames are immutable once published: Data may
// be written out without copying.
func (h *Hub) Read(after uint64, dst []*Frame, max int) (out []*Frame, last uint64, gap bool, wake <-chan struct{}) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := uint64(len(h.ring))
	oldest := h.first
	if h.next-h.first > n {
		oldest = h.next - n
	}
	first := after + 1
	if after >= h.next || first < oldest {
		gap = true
		first = oldest
	}
	last = first - 1
	for s := first; s < h.next && len(dst) < max; s++ {
		dst = append(dst, h.ring[s%n])
		last = s
	}
	return dst, last, gap, h.wake
}
