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

// eager reports whether records are processed as soon as they are polled,
// inside the open transaction, rather than when it commits. A batch sink
// names its files after one contiguous offset range per partition and
// transaction, so with one the records wait and are processed partition
// by partition at commit time.
func (r *runner) eager() bool { return r.rc.Batches == nil }

// commitDue is when the open transaction should commit: CommitInterval
// after the previous commit started, but never before its first record
// was polled. Transactions thus start at most once per CommitInterval,
// and a record that arrives after a quiet spell is committed at once
// rather than a whole interval later.
func (r *runner) commitDue() time.Time {
	due := r.lastCommit.Add(r.rc.CommitInterval)
	if due.Before(r.pendingSince) {
		return r.pendingSince
	}
	return due
}

// begin opens a transaction unless one is open.
func (r *runner) begin() error {
	if r.inTxn {
		return nil
	}
	if err := r.sess.Begin(); err != nil {
		return fmt.Errorf("run %s: begin transaction: %w", r.rc.Job, err)
	}
	r.inTxn = true
	r.txnCount++
	r.txnIn = 0
	r.prod.reset()
	r.sink.resetCounts()
	r.rejected = 0
	return nil
}

// processPolled feeds every polled record to its processor in the open
// transaction (opened if needed), partition by partition in partition
// order. Eager mode calls it after each poll.
func (r *runner) processPolled() error {
	ps := make([]int32, 0, len(r.parts))
	for p, pt := range r.parts {
		if len(pt.pending) > 0 {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	if err := r.begin(); err != nil {
		return err
	}
	slices.Sort(ps)
	for _, p := range ps {
		r.process(r.parts[p])
	}
	return nil
}

// process feeds pt's polled records to its processor and advances its
// position; the partition's snapshot is then due in this transaction.
func (r *runner) process(pt *part) {
	if len(pt.pending) == 0 {
		return
	}
	proc := pt.proc
	if r.rc.Global {
		proc = r.global
	}
	for _, kr := range pt.pending {
		pt.pos = kr.Offset + 1
		if kr.Attrs.IsControl() {
			continue
		}
		if pt.txnN == 0 {
			pt.txnFirst = kr.Offset
		}
		pt.txnLast = kr.Offset
		pt.txnN++
		r.rec = stream.Record{Key: kr.Key, Value: kr.Value, Source: kr.Topic, Partition: pt.p,
			Offset: kr.Offset, Time: kr.Timestamp.UnixMilli()}
		proc.Process(&r.rec, r.emit)
		r.txnIn++
	}
	clear(pt.pending)
	pt.pending = pt.pending[:0]
	pt.touched = true
}

// transact commits the open transaction: it processes every record still
// pending, and commits the outputs, the input offsets and the snapshots of
// the partitions the transaction touched together. If the transaction does
// not commit (a rebalance), every processor is rolled back to its last
// committed snapshot and the consumer rewinds to the committed offsets, so
// the work is redone, never lost or doubled.
func (r *runner) transact(ctx context.Context) error {
	if r.pendingN == 0 {
		return nil
	}
	start := time.Now()
	r.lastCommit = start
	if err := r.begin(); err != nil {
		return err
	}

	ps := make([]int32, 0, len(r.parts))
	for p, pt := range r.parts {
		if pt.touched || len(pt.pending) > 0 {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	staged := map[int32][]byte{}
	for _, p := range ps {
		pt := r.parts[p]
		r.process(pt)
		if r.rc.Batches != nil && pt.txnN > 0 {
			if err := r.rc.Batches.Flush(stream.Range{Source: r.rc.Input, Partition: p, First: pt.txnFirst, Last: pt.txnLast}); err != nil {
				r.abortQuietly()
				return fmt.Errorf("run %s: flushing batch of partition %d: %w", r.rc.Job, p, err)
			}
		}
		if !r.rc.Global {
			data := pt.proc.Snapshot(nil)
			staged[p] = data
			r.produceSnapshot(p, snapshot{next: map[int32]int64{p: pt.pos}, data: data})
		}
	}
	in := r.txnIn
	var globalData []byte
	if r.rc.Global {
		next := map[int32]int64{}
		for p, pt := range r.parts {
			if pt.hasCommit || pt.touched {
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
	r.inTxn = false
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
		pt.touched, pt.txnN = false, 0
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
	r.inTxn = false
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
		pt.touched, pt.txnN = false, 0
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
	r.inTxn = false
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
