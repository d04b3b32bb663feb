package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/bourse/bourse/pkg/record"
)

// runThreads runs rc.Threads members of the group in this process, each a
// complete runner with its own client, transactional producer, processors
// and batch sink: the group spreads the input partitions over them, and
// each commits its own transactions (the exactly-once-v2 model of Kafka
// Streams' stream threads). Nothing is shared between them but the echo
// (serialised) and the metrics (safe for concurrent use), so the
// exactly-once argument of one runner holds for each.
//
// Every member applies the bounded stop rule to the whole group, so each
// returns once the group has committed every partition to its end. The
// first member to fail cancels the others; the run fails with every
// member's error.
func runThreads(ctx context.Context, cfg Config, rc RunConfig) (Stats, error) {
	// Create the state topic once, before the members race to.
	admc, err := newClient(cfg)
	if err != nil {
		return Stats{}, err
	}
	_, err = ensureStateTopic(ctx, cfg, kadm.NewClient(admc), &rc)
	admc.Close()
	if err != nil {
		return Stats{}, err
	}
	if rc.Echo != nil {
		rc.Echo = &lockedEmitter{e: rc.Echo}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stats := make([]Stats, rc.Threads)
	errs := make([]error, rc.Threads)
	var wg sync.WaitGroup
	for i := range rc.Threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stats[i], errs[i] = runMember(ctx, cfg, rc, i)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	var total Stats
	for _, s := range stats {
		total.add(s)
	}
	var failed []error
	for i, err := range errs {
		if err != nil && !(errors.Is(err, context.Canceled) && ctx.Err() != nil) {
			failed = append(failed, fmt.Errorf("thread %d: %w", i, err))
		}
	}
	return total, errors.Join(failed...)
}

// add adds a member's stats to s.
func (s *Stats) add(o Stats) {
	s.RecordsIn += o.RecordsIn
	s.Commits += o.Commits
	s.Aborts += o.Aborts
	s.Restarts += o.Restarts
	s.Phases.add(o.Phases)
	s.Out.AddCounts(o.Out)
}

// lockedEmitter serialises the members' calls to one emitter.
type lockedEmitter struct {
	mu sync.Mutex
	e  record.Emitter
}

func (l *lockedEmitter) Emit(r record.Record) {
	l.mu.Lock()
	l.e.Emit(r)
	l.mu.Unlock()
}
