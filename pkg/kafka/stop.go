package kafka

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// stopState tracks a bounded run's progress towards its stop rule.
type stopState struct {
	since     time.Time // last progress: a commit here, or the group's offsets moving
	lastCheck time.Time
	lastSum   int64 // sum of the group's committed offsets at the last check
}

func (s *stopState) progress() { s.since = time.Now() }

// groupCheckEvery paces the stop rule's offset fetches.
const groupCheckEvery = 500 * time.Millisecond

// bounded applies the stop rule of a bounded run. The run is done only
// when, for every partition of the input topic, the group's committed
// offset has reached the end offset listed at start — whoever owned the
// partition. Until its own partitions are read to their end offsets it
// keeps working; then it commits and waits for the group (partitions a
// dead member still holds, or not yet reassigned to anyone, come to this
// instance in a rebalance). A run that sees no progress for FinishTimeout
// fails with ErrIncomplete, naming the unfinished partitions.
func (r *runner) bounded(ctx context.Context) (done bool, err error) {
	if !r.ownedDone() {
		return false, nil
	}
	if r.txn != nil {
		if err := r.commit(ctx); err != nil {
			return false, err
		}
		if !r.ownedDone() { // rolled back
			return false, nil
		}
	}
	if time.Since(r.stop.lastCheck) < groupCheckEvery {
		return false, nil
	}
	r.stop.lastCheck = time.Now()
	offs, err := r.committedOffsets(ctx, nil)
	if err != nil {
		return false, err
	}
	unfinished := r.unfinished(offs)
	if len(unfinished) == 0 {
		r.awaitMarkers(ctx)
		r.log.Info("run done: the group has committed every partition to its end offset", r.statsAttrs()...)
		return true, nil
	}
	var sum int64
	for _, o := range offs {
		sum += o
	}
	if sum != r.stop.lastSum {
		r.stop.lastSum = sum
		r.stop.progress()
	}
	if wait := time.Since(r.stop.since); wait > r.rc.FinishTimeout {
		return false, fmt.Errorf("run %s: %w: no progress for %s and partitions of %s are unfinished: %s",
			r.rc.Job, ErrIncomplete, wait.Round(time.Second), r.rc.Input, strings.Join(unfinished, ", "))
	}
	return false, nil
}

// ownedDone reports whether every owned partition has been consumed up to
// its end offset.
func (r *runner) ownedDone() bool {
	for p, pt := range r.parts {
		if pt.pos < r.ends[p] {
			return false
		}
	}
	return true
}

// unfinished describes the input partitions whose committed offset has
// not reached the end offset listed at start.
func (r *runner) unfinished(offs map[int32]int64) []string {
	var out []string
	for p := int32(0); p < r.nparts; p++ {
		end := r.ends[p]
		if end <= r.starts[p] {
			continue // nothing to read
		}
		o, ok := offs[p]
		if ok && o >= end {
			continue
		}
		committed := "nothing"
		if ok {
			committed = fmt.Sprint(o)
		}
		owner := "not owned here"
		if _, own := r.parts[p]; own {
			owner = "owned here"
		}
		out = append(out, fmt.Sprintf("%d (committed %s, end %d, %s)", p, committed, end, owner))
	}
	return out
}
