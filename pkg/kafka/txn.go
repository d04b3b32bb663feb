package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/stream"
)

// openTxn is what the open transaction holds.
type openTxn struct {
	promise  *kgo.FirstErrPromise // the first failed produce aborts the rest
	polled   int                  // records consumed (control records included)
	in       int64                // data records processed
	rejected int64                // REJECTED events emitted
	start    time.Time
}

// commitDue is when the open transaction should commit: CommitInterval
// after the previous one ended, but never before it began. Transactions
// thus start at most once per CommitInterval, and a record that arrives
// after a quiet spell is committed at once rather than a whole interval
// later.
func (r *runner) commitDue() time.Time {
	due := r.lastEnd.Add(r.rc.CommitInterval)
	if r.txn != nil && due.Before(r.txn.start) {
		return r.txn.start
	}
	return due
}

// begin opens a transaction.
func (r *runner) begin() error {
	if err := r.sess.Begin(); err != nil {
		return fmt.Errorf("run %s: begin transaction: %w", r.rc.Job, err)
	}
	r.txnN++
	r.txn = &openTxn{promise: kgo.AbortingFirstErrPromise(r.sess.Client()), start: time.Now()}
	r.sink.resetCounts()
	return nil
}

// produce sends one output record into the open transaction.
func (r *runner) produce(topic string, p int32, key, value []byte) {
	r.sess.Produce(context.Background(), &kgo.Record{Topic: topic, Partition: p, Key: key, Value: value}, r.txn.promise.Promise())
}

// process feeds the polled records to their partitions' processors as
// they arrive, inside the open transaction (begun on the first record).
// Records before a partition's position (buffered before a rewind) and
// records of partitions not owned are dropped. Each output goes to the
// Kafka sink and, with a batch sink, to its partition's buffer tagged with
// the input offset that produced it.
func (r *runner) process(fs kgo.Fetches) error {
	var err error
	fs.EachPartition(func(ftp kgo.FetchTopicPartition) {
		if err != nil || ftp.Topic != r.rc.Input || len(ftp.Records) == 0 {
			return
		}
		pt := r.parts[ftp.Partition]
		if pt == nil {
			r.log.Warn("records for a partition not owned; dropped", "partition", ftp.Partition, "records", len(ftp.Records))
			return
		}
		proc := r.states.proc(pt.p)
		for _, kr := range ftp.Records {
			if kr.Offset < pt.pos {
				continue
			}
			if r.txn == nil {
				if err = r.begin(); err != nil {
					return
				}
			}
			r.txn.polled++
			pt.pos, pt.touched = kr.Offset+1, true
			if kr.Attrs.IsControl() {
				continue
			}
			if pt.txnN == 0 {
				pt.txnFirst = kr.Offset
			}
			pt.txnLast = kr.Offset
			pt.txnN++
			r.rec = stream.Record{Key: kr.Key, Value: kr.Value, Source: kr.Topic, Partition: pt.p,
				Offset: kr.Offset, Time: kr.Timestamp.UnixMilli(), Partitions: r.nparts}
			if r.rc.Batches != nil {
				r.rc.Batches.Seek(pt.p, kr.Offset)
			}
			proc.Process(&r.rec, r.emit)
			r.txn.in++
			pt.ran = true
		}
		if !r.rc.Follow && pt.ran && !pt.ended && pt.pos >= r.ends[pt.p] && r.txn != nil {
			// The end of this partition's bounded run, in the transaction
			// of its last records.
			if r.rc.Batches != nil {
				r.rc.Batches.Seek(pt.p, pt.pos-1)
			}
			proc.End(r.emit)
			pt.ended = true
		}
		if lso := ftp.LastStableOffset; lso >= 0 {
			pt.lag = max(lso-pt.pos, 0)
		}
	})
	return err
}

// touched lists the partitions the open transaction consumed from.
func (r *runner) touched() []int32 {
	var ps []int32
	for p, pt := range r.parts {
		if pt.touched {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return ps
}

// txnName names the open transaction's staged batch files.
func (r *runner) txnName() string { return r.runID + "-" + strconv.Itoa(r.txnN) }

// commit ends the open transaction. Each touched partition's batch rows
// are staged as hidden files, its snapshot (naming those files) is
// produced to the state topic, and the outputs, the input offsets and the
// snapshots commit together. Only then are the staged files published.
// If the transaction does not commit (a rebalance), the staged files are
// deleted, every processor is rolled back to its last committed snapshot
// and the consumer rewinds to the committed offsets, so the work is
// redone, never lost or doubled.
func (r *runner) commit(ctx context.Context) error {
	t := r.txn
	if t == nil {
		return nil
	}
	ps := r.touched()
	files := map[int32][]string{}
	var staged []string
	if r.rc.Batches != nil {
		for _, p := range ps {
			pt := r.parts[p]
			if pt.txnN == 0 {
				continue
			}
			fs, err := r.rc.Batches.Stage(stream.Range{Source: r.rc.Input, Partition: p, First: pt.txnFirst, Last: pt.txnLast}, r.txnName())
			staged = append(staged, fs...)
			if err != nil {
				r.abortQuietly(staged)
				return fmt.Errorf("run %s: staging the batch files of partition %d: %w", r.rc.Job, p, err)
			}
			files[p] = fs
		}
	}
	for _, s := range r.states.stage(ps, func(p int32) int64 { return r.parts[p].pos }, files) {
		r.produceSnapshot(s)
	}
	if revoked, err := r.checkOffsets(ps); err != nil {
		r.abortQuietly(staged)
		return err
	} else if revoked {
		// A rebalance took partitions away while the records were being
		// processed: this transaction cannot commit them. Abort, roll back,
		// and let the new owner (or this instance, after the rebalance)
		// redo the work from the committed snapshots.
		r.abortQuietly(staged)
		r.log.Warn("transaction aborted: partitions revoked during processing; rolling back to the last commit", "records", t.in)
		return r.aborted()
	}
	action := kgo.TryCommit
	if r.rc.forceAbort != nil && r.rc.forceAbort(r.txnN) {
		action = kgo.TryAbort
	}
	if err := r.sess.Client().Flush(ctx); err != nil {
		r.abortQuietly(staged)
		return fmt.Errorf("run %s: flushing transaction: %w", r.rc.Job, err)
	}
	if err := t.promise.Err(); err != nil {
		r.abortQuietly(staged)
		return fmt.Errorf("run %s: %w: %w", r.rc.Job, ErrProduce, err)
	}
	committed, err := r.sess.End(ctx, action)
	r.txn, r.lastEnd = nil, time.Now()
	if err != nil {
		// The outcome is unknown: the staged files stay pending, and the
		// next run's restore publishes or deletes them by its snapshot.
		return fmt.Errorf("run %s: ending transaction: %w", r.rc.Job, err)
	}
	if !committed {
		r.discard(staged)
		r.log.Warn("transaction aborted (rebalance or forced); rolling back to the last commit", "records", t.in)
		return r.aborted()
	}
	if r.rc.Batches != nil {
		if err := r.rc.Batches.Publish(staged); err != nil {
			return fmt.Errorf("run %s: publishing the batch files of a committed transaction (the next run publishes them): %w", r.rc.Job, err)
		}
	}
	r.states.commit()
	r.snaps.commit()
	for _, p := range ps {
		pt := r.parts[p]
		pt.next, pt.hasCommit = pt.pos, true
		pt.touched, pt.txnN = false, 0
	}
	r.count(t)
	r.stop.progress()
	return nil
}

// count adds a committed transaction to the stats and metrics.
func (r *runner) count(t *openTxn) {
	r.stats.Commits++
	r.stats.RecordsIn += t.in
	r.rc.Metrics.RecordsIn(t.in)
	for i, n := range r.sink.counts {
		if n != 0 {
			r.stats.Out[kindNames[i]] += n
			r.rc.Metrics.RecordsOut(kindNames[i], n)
		}
	}
	rej := r.sink.counts[iReject] + r.sink.rejected
	r.stats.Rejects += rej
	r.rc.Metrics.Rejects(rej)
	r.rc.Metrics.Commit(time.Since(t.start).Seconds())
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

func (r *runner) produceSnapshot(s stagedSnapshot) {
	for _, e := range r.snaps.records(s.key, s.snap) {
		r.produce(r.rc.StateTopic, s.partition, e.key, e.value)
	}
}

// aborted counts an aborted transaction and rolls back to the last commit.
func (r *runner) aborted() error {
	r.stats.Aborts++
	r.rc.Metrics.Abort()
	return r.rollback()
}

// rollback returns every owned partition to its last committed state: the
// processors restored from their committed snapshots, the positions and
// the consumer's fetch offsets to the committed offsets, the batch buffers
// emptied.
func (r *runner) rollback() error {
	r.txn = nil
	r.discard(nil)
	r.snaps.rollback()
	if err := r.states.rollback(); err != nil {
		return fmt.Errorf("run %s: %w", r.rc.Job, err)
	}
	rewind := map[int32]kgo.EpochOffset{}
	for p, pt := range r.parts {
		pt.pos, pt.touched, pt.txnN, pt.ended = pt.next, false, 0, false
		rewind[p] = kgo.EpochOffset{Epoch: -1, Offset: pt.next}
	}
	// The session has rewound the consumer to what the client believes is
	// committed, which after a broker outage and a rejoin may be ahead of
	// the snapshots (a broker outage test lost the records of one aborted
	// transaction that way). The snapshots' positions are the truth: fetch
	// from them.
	if len(rewind) > 0 {
		r.sess.Client().SetOffsets(map[string]map[int32]kgo.EpochOffset{r.rc.Input: rewind})
	}
	return nil
}

// discard drops the batch buffers and deletes staged files.
func (r *runner) discard(staged []string) {
	if r.rc.Batches == nil {
		return
	}
	if err := r.rc.Batches.Discard(staged); err != nil {
		r.log.Warn("deleting the batch files of an aborted transaction (the next restore deletes them)", "err", err)
	}
}

// abortQuietly ends an open transaction with an abort, on the way out of
// an error, and deletes what it staged.
func (r *runner) abortQuietly(staged []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.txn = nil
	r.snaps.rollback()
	if _, err := r.sess.End(ctx, kgo.TryAbort); err != nil && !errors.Is(err, kgo.ErrClientClosed) {
		r.log.Warn("aborting transaction", "err", err)
	}
	r.discard(staged)
}

// producerFunc adapts a function to RecordProducer with the state-topic
// partition unset (outputs are partitioned by key).
type producerFunc func(topic string, p int32, key, value []byte)

func (f producerFunc) Produce(topic string, key, value []byte) { f(topic, 0, key, value) }
