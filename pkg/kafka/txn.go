package kafka

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/stream"
)

// transact processes every pending record and commits the outputs, the
// input offsets and the snapshots of the partitions it touched in one
// transaction. If the transaction does not commit (a rebalance), every
// processor is rolled back to its last committed snapshot and the consumer
// rewinds to the committed offsets, so the work is redone, never lost or
// doubled.
func (r *runner) transact(ctx context.Context) error {
	if r.pendingN == 0 {
		return nil
	}
	start := time.Now()
	if err := r.sess.Begin(); err != nil {
		return fmt.Errorf("run %s: begin transaction: %w", r.rc.Job, err)
	}
	r.txnCount++
	r.prod.reset()
	r.sink.resetCounts()
	r.rejected = 0

	ps := make([]int32, 0, len(r.parts))
	for p, pt := range r.parts {
		if len(pt.pending) > 0 {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	var in int64
	staged := map[int32][]byte{}
	var rec stream.Record
	for _, p := range ps {
		pt := r.parts[p]
		proc := pt.proc
		if r.rc.Global {
			proc = r.global
		}
		first, last := int64(-1), int64(-1)
		for _, kr := range pt.pending {
			pt.pos = kr.Offset + 1
			if kr.Attrs.IsControl() {
				continue
			}
			if first < 0 {
				first = kr.Offset
			}
			last = kr.Offset
			rec = stream.Record{Key: kr.Key, Value: kr.Value, Source: kr.Topic, Partition: p,
				Offset: kr.Offset, Time: kr.Timestamp.UnixMilli()}
			proc.Process(&rec, r.emit)
			in++
		}
		if r.rc.Batches != nil && first >= 0 {
			if err := r.rc.Batches.Flush(stream.Range{Source: r.rc.Input, Partition: p, First: first, Last: last}); err != nil {
				r.abortQuietly()
				return fmt.Errorf("run %s: flushing batch of partition %d: %w", r.rc.Job, p, err)
			}
		}
		if !r.rc.Global {
			data := proc.Snapshot(nil)
			staged[p] = data
			r.produceSnapshot(p, snapshot{next: map[int32]int64{p: pt.pos}, data: data})
		}
	}
	var globalData []byte
	if r.rc.Global {
		next := map[int32]int64{}
		for p, pt := range r.parts {
			if pt.hasCommit || len(pt.pending) > 0 {
				next[p] = pt.pos
			}
		}
		globalData = r.global.Snapshot(nil)
		r.produceSnapshot(0, snapshot{next: next, data: globalData})
	}
	if revoked, err := r.checkOffsets(ps); err != nil {
		r.abortQuietly()
		return err
	} else if revoked {
		// A rebalance took partitions away while the records were being
		// processed: this transaction cannot commit them. Abort, roll back,
		// and let the new owner (or this instance, after the rebalance)
		// redo the work from the committed snapshots.
		r.abortQuietly()
		r.stats.Aborts++
		r.rc.Metrics.Abort()
		r.log.Warn("transaction aborted: partitions revoked during processing; rolling back to the last commit", "records", in)
		return r.rollback()
	}

	commit := kgo.TryCommit
	if beforeEnd != nil && beforeEnd(r.txnCount) {
		commit = kgo.TryAbort
	}
	if err := r.sess.Client().Flush(ctx); err != nil {
		r.abortQuietly()
		return fmt.Errorf("run %s: flushing transaction: %w", r.rc.Job, err)
	}
	if err := r.prod.err(); err != nil {
		r.abortQuietly()
		return fmt.Errorf("run %s: %w: %w", r.rc.Job, ErrProduce, err)
	}
	committed, err := r.sess.End(ctx, commit)
	if err != nil {
		return fmt.Errorf("run %s: ending transaction: %w", r.rc.Job, err)
	}
	if !committed {
		r.stats.Aborts++
		r.rc.Metrics.Abort()
		r.log.Warn("transaction aborted (rebalance or forced); rolling back to the last commit", "records", in)
		return r.rollback()
	}
	for _, p := range ps {
		pt := r.parts[p]
		pt.pending, pt.next, pt.hasCommit = nil, pt.pos, true
		if !r.rc.Global {
			pt.committed = staged[p]
		}
	}
	if r.rc.Global {
		r.globalCommitted = globalData
	}
	r.pendingN = 0
	r.stats.Commits++
	r.stats.RecordsIn += in
	r.rc.Metrics.RecordsIn(in)
	for i, n := range r.sink.counts {
		if n != 0 {
			r.stats.Out[kindNames[i]] += n
			r.rc.Metrics.RecordsOut(kindNames[i], n)
		}
	}
	rej := r.sink.counts[iReject] + r.rejected
	r.stats.Rejects += rej
	r.rc.Metrics.Rejects(rej)
	r.rc.Metrics.Commit(time.Since(start).Seconds())
	return nil
}

// checkOffsets verifies that the offsets the session will commit are the
// positions the snapshots were taken at. A partition missing from the
// session's offsets was revoked by a rebalance in the meantime: revoked is
// true and the transaction must abort.
func (r *runner) checkOffsets(ps []int32) (revoked bool, err error) {
	unc := r.sess.Client().UncommittedOffsets()[r.rc.Input]
	for _, p := range ps {
		if _, ok := unc[p]; !ok {
			return true, nil
		}
	}
	for _, p := range ps {
		if eo, ok := unc[p]; !ok || eo.Offset != r.parts[p].pos {
			return false, fmt.Errorf("run %s: %w: partition %d would commit offset %d (present %t) but its snapshot is at %d",
				r.rc.Job, ErrStateMismatch, p, eo.Offset, ok, r.parts[p].pos)
		}
	}
	return false, nil
}

func (r *runner) produceSnapshot(statePart int32, s snapshot) {
	key := snapshotKey(r.rc.Group, r.rc.Input, statePart, r.rc.Global)
	for _, e := range encodeSnapshot(key, s) {
		r.prod.produceTo(r.rc.StateTopic, statePart, e.key, e.value)
	}
}

// rollback returns every owned partition to its last committed state: the
// processor restored from the in-memory copy of its committed snapshot,
// the position to the committed offset. The session has already rewound
// the consumer to the same offsets.
func (r *runner) rollback() error {
	r.pendingN = 0
	if r.rc.Global && len(r.parts) > 0 {
		g := r.rc.Factory(-1)
		if r.globalCommitted != nil {
			if err := g.Restore(r.globalCommitted); err != nil {
				return fmt.Errorf("run %s: restoring global snapshot: %w", r.rc.Job, err)
			}
		}
		r.global = g
	}
	for p, pt := range r.parts {
		pt.pending = nil
		pt.pos = pt.next
		if r.rc.Global {
			continue
		}
		proc := r.rc.Factory(p)
		if pt.committed != nil {
			if err := proc.Restore(pt.committed); err != nil {
				return fmt.Errorf("run %s: restoring partition %d: %w", r.rc.Job, p, err)
			}
		}
		pt.proc = proc
	}
	return nil
}

// abortQuietly ends an open transaction with an abort, on the way out of
// an error.
func (r *runner) abortQuietly() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := r.sess.End(ctx, kgo.TryAbort); err != nil {
		r.log.Warn("aborting transaction", "err", err)
	}
}

// txnProducer produces into the session's open transaction and remembers
// the first failure.
type txnProducer struct {
	sess  *kgo.GroupTransactSession
	mu    sync.Mutex
	first error
	n     int
}

func (t *txnProducer) Produce(topic string, key, value []byte) {
	t.sess.Produce(context.Background(), &kgo.Record{Topic: topic, Key: key, Value: value}, t.promise)
}

func (t *txnProducer) produceTo(topic string, p int32, key, value []byte) {
	t.sess.Produce(context.Background(), &kgo.Record{Topic: topic, Partition: p, Key: key, Value: value}, t.promise)
}

func (t *txnProducer) promise(r *kgo.Record, err error) {
	if err == nil {
		return
	}
	t.mu.Lock()
	t.n++
	if t.first == nil {
		t.first = fmt.Errorf("producing to %s: %w", r.Topic, err)
	}
	t.mu.Unlock()
}

func (t *txnProducer) reset() {
	t.mu.Lock()
	t.first, t.n = nil, 0
	t.mu.Unlock()
}

func (t *txnProducer) err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.first == nil {
		return nil
	}
	return fmt.Errorf("%d records failed: %w", t.n, t.first)
}

// statePartitioner sends state records to the partition set on the record
// (the input partition they describe) and hashes the key for the rest.
type statePartitioner struct {
	state string
	def   kgo.Partitioner
}

func (s statePartitioner) ForTopic(t string) kgo.TopicPartitioner {
	if t == s.state {
		return kgo.ManualPartitioner().ForTopic(t)
	}
	return s.def.ForTopic(t)
}
