package serve

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/bourse/bourse/pkg/record"
)

// streamNames are the stream's names of the record kinds it carries: the
// ?kinds= filter's and the Server-Sent Events' (docs/CONTRACT.md, the
// OpenAPI document). A kind without names is not streamed.
var streamNames = [record.NumKinds]struct{ filter, event string }{
	record.KindTrade:        {"trades", "trade"},
	record.KindEvent:        {"orders", "order"}, // execution reports, only to the order's trader
	record.KindBar:          {"bars", "bar"},
	record.KindSMA:          {"sma", "sma"},
	record.KindProfit:       {"profit", "profit"},
	record.KindBook:         {"book", "book"},
	record.KindBookSnapshot: {"book", "book_snapshot"}, // a whole book, after a gap in the feed; filtered as "book"
	record.KindStatus:       {"status", "status"},      // an instrument's trading phase change
}

// filterName returns the filter name of k: trades, orders, bars, sma,
// profit, book, status.
func filterName(k record.Kind) string {
	if k < record.NumKinds && streamNames[k].filter != "" {
		return streamNames[k].filter
	}
	return "unknown"
}

// ParseKind parses a filter name; "book" is record.KindBook (its snapshots follow).
func ParseKind(s string) (record.Kind, bool) {
	for k, n := range streamNames {
		if n.filter != "" && n.filter == s {
			return record.Kind(k), true
		}
	}
	return 0, false
}

// Frame is one stream event, encoded once as a Server-Sent Events frame
// and shared by every subscriber.
type Frame struct {
	Seq        uint64
	Kind       record.Kind
	Instrument string
	Trader     string // for record.KindEvent: the order's trader
	Data       []byte // "id: <seq>\nevent: <kind>\ndata: <json>\n\n", a piece of a shared block

	// For record.KindTrade: the buyer and the seller and their order ids, never
	// in Data (the public tape is anonymous); each party's stream adds its
	// own order id (ownTrade).
	Parties [2]string
	Orders  [2]uint64

	// span is Data's block from its start to the end of Data, blk the
	// block's number: consecutive frames of one block are contiguous, and
	// a run of them is written as the last one's span from the first one's
	// offset (runBytes), one write for all of them.
	span []byte
	blk  uint64
}

// off is the offset of Data in its block.
func (f *Frame) off() int { return len(f.span) - len(f.Data) }

// follows reports whether f's bytes come right after prev's in one block.
func (f *Frame) follows(prev *Frame) bool {
	return f.blk == prev.blk && f.off() == len(prev.span)
}

// runBytes returns the bytes of the frames from first to last, which follow
// each other (follows): a slice of their shared block, no copy.
func runBytes(first, last *Frame) []byte { return last.span[first.off():] }

// Hub is the stream's ring buffer: it numbers events with a global,
// monotonically increasing sequence, holds the newest ones so a client that
// reconnects with its last event id misses nothing still held, and wakes
// subscribers when events arrive. It starts numbering after base, so that
// ids of an earlier server run (a smaller base) are recognised as not held.
//
// Frames are encoded one after the other into shared blocks of blockSize
// bytes: a block is append-only, and the bytes of a published frame are
// never written again (the next frame goes after them, or into a new
// block), so subscribers write runs of consecutive frames straight from
// the block, without copying or formatting per client.
//
// Readers take no lock: a frame is stored in its slot before next is
// advanced past it, and a reader that finds a slot already reused (its
// frame's Seq is not the one asked for) has been lapped. So the publisher
// never waits for a subscriber, however many there are or however they
// are scheduled (with a lock, a reader preempted while holding it made the
// publisher wait behind a thousand runnable writers).
type Hub struct {
	ring  []atomic.Pointer[Frame]
	first uint64        // sequence of the first event
	next  atomic.Uint64 // sequence of the next event
	wake  atomic.Pointer[chan struct{}]

	mu    sync.Mutex // publishers
	block []byte     // the block being filled: published frames up to len, free space after
	blk   uint64     // its number
}

// blockSize is the size of a shared block of encoded frames: large enough
// that a client's write of the events of a few tens of milliseconds is
// mostly one slice of one block.
const blockSize = 256 << 10

// NewHub returns a hub holding the newest capacity events, whose first
// event has sequence base+1.
func NewHub(capacity int, base uint64) *Hub {
	if capacity < 1 {
		capacity = 1
	}
	h := &Hub{ring: make([]atomic.Pointer[Frame], capacity), first: base + 1}
	h.next.Store(base + 1)
	wake := make(chan struct{})
	h.wake.Store(&wake)
	return h
}

// Publish appends an event with the JSON payload data and wakes the
// subscribers. It returns the event's sequence.
func (h *Hub) Publish(k record.Kind, instrument, trader string, data []byte) uint64 {
	return h.publish(Frame{Kind: k, Instrument: instrument, Trader: trader}, data)
}

// publish appends fr (Seq and Data are set here) with the payload data.
func (h *Hub) publish(fr Frame, data []byte) uint64 {
	f := new(Frame)
	need := len(data) + 64 // the id, event and data lines
	h.mu.Lock()
	defer h.mu.Unlock()
	if cap(h.block)-len(h.block) < need {
		h.block = make([]byte, 0, max(blockSize, need))
		h.blk++
	}
	seq := h.next.Load()
	start := len(h.block)
	b := append(h.block, "id: "...) // within the block's capacity: no copy
	b = strconv.AppendUint(b, seq, 10)
	b = append(b, "\nevent: "...)
	b = append(b, streamNames[fr.Kind].event...)
	b = append(b, "\ndata: "...)
	b = append(b, data...)
	b = append(b, "\n\n"...)
	h.block = b
	fr.Seq, fr.span, fr.blk = seq, b[:len(b):len(b)], h.blk
	fr.Data = fr.span[start:]
	*f = fr
	h.ring[seq%uint64(len(h.ring))].Store(f)
	h.next.Store(seq + 1)
	wake := make(chan struct{})
	close(*h.wake.Swap(&wake))
	return seq
}

// Last returns the sequence of the newest event (base when none).
func (h *Hub) Last() uint64 { return h.next.Load() - 1 }

// Read appends to dst up to max events after sequence after, oldest
// first, and returns the sequence of the last one appended (after when
// none). gap is true when the events right after `after` are no longer held,
// or after is not a sequence of this hub (an earlier server run, or ahead):
// dst then starts at the oldest held event. wake is closed when an event is
// published after this call. Frames are immutable once published: Data may
// be written out without copying.
func (h *Hub) Read(after uint64, dst []*Frame, max int) (out []*Frame, last uint64, gap bool, wake <-chan struct{}) {
	wake = *h.wake.Load() // before next: an event published after this load closes it
	n := uint64(len(h.ring))
	for {
		next := h.next.Load()
		oldest := h.first
		if next-h.first > n {
			oldest = next - n
		}
		first := after + 1
		gap = false
		if after >= next || first < oldest {
			gap = true
			first = oldest
		}
		last = first - 1
		out = dst
		for s := first; s < next && len(out) < max; s++ {
			f := h.ring[s%n].Load()
			if f.Seq != s {
				break // the slot was reused: lapped from s on
			}
			out = append(out, f)
			last = s
		}
		if len(out) > len(dst) || first >= next || len(dst) >= max {
			return out, last, gap, wake
		}
		// lapped at the first event: the oldest held has moved on
	}
}
