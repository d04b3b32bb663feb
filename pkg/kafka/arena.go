package kafka

import "github.com/twmb/franz-go/pkg/kgo"

// arena holds the output records of the open transaction: their kgo.Record
// structs and their key and value bytes, carved from large chunks that are
// reused from one transaction to the next. franz-go keeps a record until
// its promise has run, and every promise has run once the transaction has
// ended (End flushes or aborts every buffered record), so begin resets the
// arena. A transaction's outputs thus cost no allocation per record in
// steady state, only a copy of the encoded bytes.
type arena struct {
	bufs [][]byte // byte chunks; bufs[bi] is being filled
	bi   int
	recs [][]kgo.Record // record chunks; recs[ri][:rn] are in use
	ri   int
	rn   int
}

const (
	arenaBytes   = 1 << 20 // bytes per chunk
	arenaRecords = 4096    // records per chunk
	// A value larger than this (a snapshot chunk list, say) is copied
	// to its own allocation rather than wasting the rest of a chunk.
	arenaLarge = arenaBytes / 8
)

// reset makes every chunk reusable. Only call it when no record handed
// out since the last reset is still buffered by the client.
func (a *arena) reset() {
	for i := range a.bufs {
		a.bufs[i] = a.bufs[i][:0]
	}
	a.bi, a.ri, a.rn = 0, 0, 0
}

// bytes returns a copy of b that stays valid until reset.
func (a *arena) bytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	if len(b) > arenaLarge {
		return append([]byte(nil), b...)
	}
	for {
		if a.bi == len(a.bufs) {
			a.bufs = append(a.bufs, make([]byte, 0, arenaBytes))
		}
		c := a.bufs[a.bi]
		if n := len(c); cap(c)-n >= len(b) {
			c = append(c, b...)
			a.bufs[a.bi] = c
			return c[n:len(c):len(c)]
		}
		a.bi++
	}
}

// record returns a zeroed record that stays valid until reset.
func (a *arena) record() *kgo.Record {
	if a.ri == len(a.recs) {
		a.recs = append(a.recs, make([]kgo.Record, arenaRecords))
	}
	r := &a.recs[a.ri][a.rn]
	*r = kgo.Record{}
	if a.rn++; a.rn == arenaRecords {
		a.ri, a.rn = a.ri+1, 0
	}
	return r
}
