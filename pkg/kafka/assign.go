package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// handleEvents applies queued assignment changes. Any revocation first
// ends the session with an abort, which rewinds the consumer to the
// committed offsets, and rolls every processor back to match; revoked
// partitions are then dropped. New partitions are restored from the state
// topic and checked against the committed offsets; their batch files are
// recovered (see stream.BatchSink).
func (r *runner) handleEvents(ctx context.Context) error {
	r.mu.Lock()
	evs := r.events
	r.events = nil
	r.mu.Unlock()
	if len(evs) == 0 {
		return nil
	}
	added := map[int32]bool{}
	var revoked []int32
	for _, ev := range evs {
		for _, p := range ev.parts {
			if ev.assigned {
				added[p] = true
			} else {
				delete(added, p)
				revoked = append(revoked, p)
			}
		}
	}
	// A global processor spans every partition: any change rebuilds it
	// from the state topic, so the open transaction is given up first.
	if len(revoked) > 0 || (r.rc.Global && len(added) > 0 && r.txn != nil) {
		r.log.Info("partitions revoked", "partitions", revoked)
		ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		_, err := r.sess.End(ectx, kgo.TryAbort)
		cancel()
		if err != nil {
			return fmt.Errorf("run %s: ending session after revoke: %w", r.rc.Job, err)
		}
		if err := r.rollback(); err != nil {
			return err
		}
		for _, p := range revoked {
			delete(r.parts, p)
		}
		for _, k := range r.states.keys(revoked) {
			r.snaps.forget(k.key)
		}
		r.states.drop(revoked)
	}
	if len(added) == 0 {
		return nil
	}
	ps := slices.Sorted(maps.Keys(added))
	r.log.Info("partitions assigned", "partitions", ps)
	if r.rc.Global {
		for p := range r.parts {
			added[p] = true
		}
		ps = slices.Sorted(maps.Keys(added))
	}
	return r.settled(ctx, func() error { return r.restore(ctx, ps) })
}

// settled runs a restore until the snapshots agree with the committed
// offsets. Right after a crash they may briefly disagree: the coordinator
// completes the dead instance's committing transaction by writing markers
// to each partition, so the group's offsets can become stable a moment
// before the snapshot in the state partition becomes readable. A
// disagreement that outlasts settleTimeout is real and fails the run.
func (r *runner) settled(ctx context.Context, restore func() error) error {
	deadline := time.Now().Add(r.rc.settleTimeout)
	for {
		err := restore()
		if !errors.Is(err, ErrStateMismatch) || time.Now().After(deadline) {
			return err
		}
		r.log.Info("state and offsets disagree, waiting for pending transaction markers", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// restore builds the processors of partitions ps from their latest
// snapshots, checks each snapshot's position against the group's
// committed offset, and recovers the batch files the snapshots name.
func (r *runner) restore(ctx context.Context, ps []int32) error {
	t0 := time.Now()
	offs, err := r.committedOffsets(ctx, ps)
	if err != nil {
		return err
	}
	keys := r.states.keys(ps)
	var stateParts []int32
	for _, k := range keys {
		stateParts = append(stateParts, k.partition)
	}
	vals, err := r.readState(ctx, stateParts)
	if err != nil {
		return err
	}
	get := func(k string) []byte { return vals[k] }
	snaps := map[string]snapshot{}
	var bytes int
	for _, k := range keys {
		snap, found, err := decodeSnapshot(k.key, get)
		if err != nil {
			return fmt.Errorf("run %s: restoring %s: %w", r.rc.Job, k.key, err)
		}
		r.snaps.restored(k.key, snap)
		for _, p := range k.covers {
			co, has := offs[p]
			if err := r.verify(p, k.key, snap.next, found, co, has); err != nil {
				return err
			}
		}
		if found {
			snaps[k.key] = snap
			bytes += len(snap.data)
		}
		if r.batches != nil {
			for _, p := range k.covers {
				if err := r.batches.Recover(r.rc.Input, p, snap.files); err != nil {
					return fmt.Errorf("run %s: recovering the batch files of partition %d: %w", r.rc.Job, p, err)
				}
			}
		}
	}
	if err := r.states.load(ps, snaps); err != nil {
		return fmt.Errorf("run %s: %w", r.rc.Job, err)
	}
	for _, p := range ps {
		co, has := offs[p]
		pt := &part{p: p, hasCommit: has, next: r.starts[p]}
		if has {
			pt.next = co
		}
		pt.pos = pt.next
		r.parts[p] = pt
	}
	r.log.Info("partitions restored", "partitions", ps, "snapshot_bytes", bytes, "duration", time.Since(t0).Round(time.Millisecond))
	return nil
}

// verify fails loudly unless the snapshot's position for p is exactly the
// group's committed offset (or neither exists).
func (r *runner) verify(p int32, key string, next map[int32]int64, found bool, committed int64, hasCommit bool) error {
	at, inSnap := next[p]
	switch {
	case hasCommit && inSnap && at == committed:
		return nil
	case !hasCommit && !inSnap:
		return nil
	case hasCommit && !found:
		return fmt.Errorf("run %s: %w: group %s has committed offset %d on %s/%d but %s holds no snapshot %s (state topic deleted, or group reused?)",
			r.rc.Job, ErrStateMismatch, r.rc.Group, committed, r.rc.Input, p, r.rc.StateTopic, key)
	case hasCommit && !inSnap:
		return fmt.Errorf("run %s: %w: group %s has committed offset %d on %s/%d but snapshot %s has no position for that partition",
			r.rc.Job, ErrStateMismatch, r.rc.Group, committed, r.rc.Input, p, key)
	case !hasCommit:
		return fmt.Errorf("run %s: %w: snapshot %s is at offset %d of %s/%d but group %s has no committed offset there (offsets expired or deleted?)",
			r.rc.Job, ErrStateMismatch, key, at, r.rc.Input, p, r.rc.Group)
	default:
		return fmt.Errorf("run %s: %w: snapshot %s is at offset %d of %s/%d but group %s committed offset %d",
			r.rc.Job, ErrStateMismatch, key, at, r.rc.Input, p, r.rc.Group, committed)
	}
}

// readState reads state partitions ps to their end (read_committed) and
// returns the latest value of each of this group's keys.
func (r *runner) readState(ctx context.Context, ps []int32) (map[string][]byte, error) {
	prefix := r.rc.Group + "/" + r.rc.Input + "/"
	vals := map[string][]byte{}
	err := readToEnd(ctx, r.cfg, r.rc.StateTopic, ps, func(rec *kgo.Record) {
		k := string(rec.Key)
		if !strings.HasPrefix(k, prefix) {
			return
		}
		if rec.Value == nil {
			delete(vals, k)
			return
		}
		vals[k] = rec.Value
	})
	if err != nil {
		return nil, fmt.Errorf("run %s: reading state: %w", r.rc.Job, err)
	}
	return vals, nil
}

// committedOffsets fetches the group's committed offsets on the input
// (for ps, or all when nil), waiting out pending transactional commits so
// that they pair with the snapshots a read_committed reader sees.
func (r *runner) committedOffsets(ctx context.Context, ps []int32) (map[int32]int64, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := r.adm.FetchOffsetsForTopics(kadm.RequireStable(ctx), r.rc.Group, r.rc.Input)
		if errors.Is(err, kerr.GroupIDNotFound) {
			return map[int32]int64{}, nil
		}
		retriable := errors.Is(err, kerr.CoordinatorNotAvailable) || errors.Is(err, kerr.CoordinatorLoadInProgress) ||
			errors.Is(err, kerr.NotCoordinator) || errors.Is(err, kerr.UnstableOffsetCommit)
		if err != nil && !retriable {
			return nil, fmt.Errorf("run %s: fetching committed offsets of group %s: %w", r.rc.Job, r.rc.Group, err)
		}
		out := map[int32]int64{}
		unstable := retriable
		var perr error
		for p, o := range resp[r.rc.Input] {
			if ps != nil && !slices.Contains(ps, p) {
				continue
			}
			switch {
			case errors.Is(o.Err, kerr.UnstableOffsetCommit):
				unstable = true
			case o.Err != nil:
				perr = fmt.Errorf("partition %d: %w", p, o.Err)
			case o.At >= 0:
				out[p] = o.At
			}
		}
		if perr != nil {
			return nil, fmt.Errorf("run %s: fetching committed offsets of group %s: %w", r.rc.Job, r.rc.Group, perr)
		}
		if !unstable {
			return out, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("run %s: offsets of group %s unavailable or unstable (a transaction is pending) after 2m: %v", r.rc.Job, r.rc.Group, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
