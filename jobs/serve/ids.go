package serve

import "sync"

// idGen hands out order ids: strictly increasing, starting from the
// caller's clock in milliseconds times 1024, so ids stay unique across
// restarts (up to 1024 orders a millisecond on average) and below 2^53, so
// JavaScript reads them exactly.
type idGen struct {
	mu   sync.Mutex
	last uint64
}

func (g *idGen) next(nowMillis int64) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := uint64(nowMillis) << 10
	if id <= g.last {
		id = g.last + 1
	}
	g.last = id
	return id
}
