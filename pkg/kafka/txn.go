package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// openTxn is what the open transaction holds.
type openTxn struct {
	promise  func(*kgo.Record, error) // one for every record of the transaction
	failed   atomic.Bool
	aborting sync.WaitGroup // the abort of buffered records after a failure
	err      error          // the first failed produce; set once, read after Flush
	polled   int            // records consumed (control records included)
	in       int64          // data records processed
	start    time.Time
}

// newTxn makes the open transaction's state. Its promise records the
// first failed produce and aborts the client's other buffered records, so
// a failed transaction ends fast (as kgo.AbortingFirstErrPromise does,
// without allocating per record).
func newTxn(cl *kgo.Client) *openTxn {
	t := &openTxn{start: time.Now()}
	t.promise = func(_ *kgo.Record, err error) {
		if err == nil || !t.failed.CompareAndSwap(false, true) {
			return
		}
		t.err = err
		t.aborting.Add(1)
		go func() {
			defer t.aborting.Done()
			_ = cl.AbortBufferedRecords(context.Background())
		}()
	}
	return t
}

// produceErr is the first failed produce, once the client's Flush has
// returned (every promise has run by then).
func (t *openTxn) produceErr() error {
	if !t.failed.Load() {
		return nil
	}
	t.aborting.Wait()
	return t.err
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
	r.txn = newTxn(r.sess.Client())
	r.out.reset() // the previous transaction has ended: its records are done
	r.sink.resetCounts()
	return nil
}

// produce sends one output record into the open transaction, copying key
// and value into the transaction's arena.
func (r *runner) produce(topic string, p int32, key, value []byte) {
	rec := r.out.record()
	rec.Topic, rec.Partition, rec.Key, rec.Value = topic, p, r.out.bytes(key), r.out.bytes(value)
	r.sess.Produce(context.Background(), rec, r.txn.promise)
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
			if r.batches != nil {
				r.batches.Seek(pt.p, kr.Offset)
			}
			proc.Process(&r.rec, r.emit)
			r.txn.in++
			pt.ran = true
		}
		if !r.rc.Follow && pt.txnN > 0 && !pt.ended && pt.pos >= r.ends[pt.p] && r.txn != nil {
			// The end of this partition's bounded run, in the transaction
			// of its last data records; its batch rows carry the last
			// one's offset. (A partition whose last data record committed
			// before the transaction markers that end it were polled gets
			// no End.)
			if r.batches != nil {
				r.batches.Seek(pt.p, pt.txnLast)
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
	var ph Phases
	lap := phaseClock()
	files := map[int32][]string{}
	var staged []string
	sync := func() error { return nil }
	if r.batches != nil {
		var rs []stream.Range
		for _, p := range ps {
			if pt := r.parts[p]; pt.txnN > 0 {
				rs = append(rs, stream.Range{Source: r.rc.Input, Partition: p, First: pt.txnFirst, Last: pt.txnLast})
			}
		}
		if len(rs) > 0 {
			fs, s, err := r.batches.Stage(rs, r.txnName())
			if err != nil {
				r.abortQuietly(nil)
				return &permanentMark{fmt.Errorf("run %s: staging the batch files: %w", r.rc.Job, err)}
			}
			for i, rg := range rs {
				files[rg.Partition] = fs[i]
				staged = append(staged, fs[i]...)
			}
			sync = s
		}
	}
	ph.Stage = lap()
	for _, s := range r.states.stage(ps, func(p int32) int64 { return r.parts[p].pos }, files) {
		r.produceSnapshot(s)
	}
	ph.Snapshot = lap()
	if r.reassigned(ps) {
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
	// The staged files are encoded, written and fsynced while the outputs
	// and snapshots are flushed: one works on a core and the disk, the
	// other waits on the broker.
	synced := make(chan error, 1)
	go func() { synced <- sync() }()
	flushErr := r.sess.Client().Flush(ctx)
	ph.Flush = lap()
	syncErr := <-synced
	ph.Sync = lap()
	if err := errors.Join(flushErr, syncErr); err != nil {
		r.abortQuietly(staged)
		err = fmt.Errorf("run %s: flushing transaction and syncing its batch files: %w", r.rc.Job, err)
		if syncErr != nil {
			return &permanentMark{err}
		}
		return err
	}
	if err := t.produceErr(); err != nil {
		r.abortQuietly(staged)
		return fmt.Errorf("run %s: %w: %w", r.rc.Job, ErrProduce, err)
	}
	committed, err := r.sess.End(ctx, action)
	ph.End = lap()
	r.txn, r.lastEnd = nil, time.Now()
	if err != nil {
		// The outcome is unknown: the staged files stay pending, and the
		// next run's restore publishes or deletes them by its snapshot.
		return &restartMark{fmt.Errorf("run %s: ending transaction: %w", r.rc.Job, err)}
	}
	if !committed {
		r.discard(staged)
		r.log.Warn("transaction aborted (rebalance or forced); rolling back to the last commit", "records", t.in)
		return r.aborted()
	}
	if r.batches != nil {
		if err := r.batches.Publish(staged); err != nil {
			return &permanentMark{fmt.Errorf("run %s: publishing the batch files of a committed transaction (the next run publishes them): %w", r.rc.Job, err)}
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
	r.stats.Phases.add(ph)
	r.stop.progress()
	return nil
}

// phaseClock returns a function giving the time since its previous call
// (the first: since phaseClock).
func phaseClock() func() time.Duration {
	last := time.Now()
	return func() time.Duration {
		now := time.Now()
		d := now.Sub(last)
		last = now
		return d
	}
}

// count adds a committed transaction to the stats and metrics.
func (r *runner) count(t *openTxn) {
	r.stats.Commits++
	r.stats.RecordsIn += t.in
	r.rc.Metrics.RecordsIn(t.in)
	c := r.sink.counts
	r.stats.Out.AddCounts(c)
	for k, n := range c.ByKind {
		if n != 0 {
			r.rc.Metrics.RecordsOut(record.Kind(k).String(), n)
		}
	}
	r.rc.Metrics.Rejects(c.Rejects())
	r.rc.Metrics.Commit(time.Since(t.start).Seconds())
}

// reassigned reports whether a partition the transaction consumed from
// changed hands since: missing from the offsets the session will commit
// (revoked by a rebalance), or present at another offset than its
// snapshot's position (revoked and assigned again, the client's offset
// reset to the committed one). Either way the transaction must abort; the
// rollback realigns the consumer with the committed snapshots and the work
// is redone. (The restore on assignment keeps checking state against
// committed offsets: ErrStateMismatch.)
func (r *runner) reassigned(ps []int32) bool {
	unc := r.sess.Client().UncommittedOffsets()[r.rc.Input]
	for _, p := range ps {
		eo, ok := unc[p]
		if !ok {
			return true
		}
		if eo.Offset != r.parts[p].pos {
			r.log.Warn("offsets to commit differ from the snapshots' positions (partition reassigned during the transaction); aborting",
				"partition", p, "offset", eo.Offset, "snapshot", r.parts[p].pos)
			return true
		}
	}
	return false
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
	if err := r.fence(context.Background()); err != nil {
		return err
	}
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
	if r.batches == nil {
		return
	}
	if err := r.batches.Discard(staged); err != nil {
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
	if _, err := r.sess.End(ctx, kgo.TryAbort); err != nil {
		// Records may still be buffered: never reuse their bytes.
		r.out = arena{}
		if !errors.Is(err, kgo.ErrClientClosed) {
			r.log.Warn("aborting transaction", "err", err)
		}
	}
	r.discard(staged)
}

// producerFunc adapts a function to RecordProducer with the state-topic
// partition unset (outputs are partitioned by key).
type producerFunc func(topic string, p int32, key, value []byte)

func (f producerFunc) Produce(topic string, key, value []byte) { f(topic, 0, key, value) }
