package kafka

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/metrics"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// Errors of the runner that callers may test for.
var (
	// ErrStateMismatch: a restored snapshot does not correspond to the
	// group's committed offset (state topic and offsets diverged).
	ErrStateMismatch = errors.New("state does not match committed offsets")
	// ErrGlobalSplit: a Global job was assigned only some partitions.
	ErrGlobalSplit = errors.New("global job does not own every partition")
)

// RunConfig configures one exactly-once stream job run.
type RunConfig struct {
	Job            string         // job name: match, sma or profit
	Group          string         // consumer group; default "bourse-<job>"
	Input          string         // input topic
	StateTopic     string         // compacted snapshot topic; default "bourse-<job>-state"
	Factory        stream.Factory // one Processor per input partition; called with -1 in Global mode
	Global         bool           // one Processor for all partitions; requires owning every partition
	Outputs        Topics         // where each output kind goes; empty name = not produced
	Batches        stream.BatchSink
	Follow         bool          // run until ctx is cancelled instead of to the end offsets
	CommitInterval time.Duration // default 100ms
	CommitRecords  int           // default 10000
	Compression    string        // output batch codec: lz4 (default), zstd, snappy, gzip, none
	// TransactionalID identifies this instance's producer. A restarted
	// instance with the same id fences its crashed predecessor at once
	// instead of waiting for its transaction to time out. Instances of one
	// group need distinct ids. Default "bourse-<group>-<hostname>".
	TransactionalID string
	Logger          *slog.Logger
	Metrics         *metrics.Job
	ProgressEvery   time.Duration // progress log period; default 5s
	// SessionTimeout is the group session timeout (default 45s): how long a
	// crashed instance keeps its partitions before the group moves them.
	SessionTimeout time.Duration
	// TransactionTimeout bounds how long the broker keeps a transaction
	// of a vanished instance open (blocking read_committed readers);
	// default 40s.
	TransactionTimeout time.Duration
}

// Stats counts what a run committed (aborted work is not counted).
type Stats struct {
	RecordsIn int64            // input records processed
	Out       map[string]int64 // output records by kind (Kind* constants)
	Rejects   int64            // reject records plus REJECTED events
	Commits   int64            // transactions committed
	Aborts    int64            // transactions aborted and redone
}

func (rc *RunConfig) defaults() error {
	if rc.Job == "" {
		return fmt.Errorf("%w: run: no job name", ErrConfig)
	}
	if rc.Input == "" {
		return fmt.Errorf("%w: run %s: no input topic", ErrConfig, rc.Job)
	}
	if rc.Factory == nil {
		return fmt.Errorf("%w: run %s: no processor factory", ErrConfig, rc.Job)
	}
	if rc.Group == "" {
		rc.Group = "bourse-" + rc.Job
	}
	if rc.StateTopic == "" {
		rc.StateTopic = StateTopic(rc.Job)
	}
	if rc.StateTopic == rc.Input || slices.Contains(rc.Outputs.Names(), rc.StateTopic) {
		return fmt.Errorf("%w: run %s: state topic %s is also an input or output", ErrConfig, rc.Job, rc.StateTopic)
	}
	if rc.CommitInterval <= 0 {
		rc.CommitInterval = 100 * time.Millisecond
	}
	if rc.CommitRecords <= 0 {
		rc.CommitRecords = 10000
	}
	if rc.ProgressEvery <= 0 {
		rc.ProgressEvery = 5 * time.Second
	}
	if rc.TransactionTimeout <= 0 {
		rc.TransactionTimeout = 40 * time.Second
	}
	if rc.SessionTimeout <= 0 {
		rc.SessionTimeout = 45 * time.Second
	}
	if rc.TransactionalID == "" {
		host, _ := os.Hostname()
		if host == "" {
			host = "local"
		}
		rc.TransactionalID = "bourse-" + rc.Group + "-" + host
	}
	if rc.Logger == nil {
		rc.Logger = slog.Default()
	}
	return nil
}

// part is the runner's view of one owned input partition.
type part struct {
	p         int32
	proc      stream.Processor // nil in Global mode
	committed []byte           // snapshot data of the last commit; nil = fresh
	pos       int64            // next input offset to process (control records included)
	hasCommit bool             // the group has a committed offset for p
	next      int64            // the committed offset, or where a fresh partition starts
	pending   []*kgo.Record    // polled, not yet processed
	lag       int64
	// In the open transaction: whether records were processed (the
	// snapshot is due), and the processed data records' offset range.
	touched           bool
	txnN              int
	txnFirst, txnLast int64
}

type assignment struct {
	assigned bool
	parts    []int32
}

type runner struct {
	cfg  Config
	rc   RunConfig
	log  *slog.Logger
	sess *kgo.GroupTransactSession
	adm  *kadm.Client
	admc *kgo.Client

	nparts int32
	parts  map[int32]*part
	ends   map[int32]int64 // bounded mode: last stable offsets at start

	global          stream.Processor // Global mode
	globalCommitted []byte

	mu     sync.Mutex
	events []assignment

	prod     *txnProducer
	sink     *Sink
	emit     record.Emitter
	rejected int64 // REJECTED events in the open transaction

	pendingN     int       // records polled since the last commit
	pendingSince time.Time // when the first of them was polled
	inTxn        bool      // a transaction is open
	txnIn        int64     // data records processed in it
	lastCommit   time.Time // when the last commit started
	rec          stream.Record
	assignedOnce bool

	lastGroupCheck time.Time

	stats    Stats
	lastLog  time.Time
	lastIn   int64
	txnCount int
}

// beforeEnd, when set by tests, is asked before each End whether to force
// an abort of transaction n (counted from 1).
var beforeEnd func(n int) bool

// Run consumes rc.Input in consumer group rc.Group, feeds each partition's
// records to its Processor, and commits outputs, input offsets and
// processor snapshots in one Kafka transaction. See the package doc.
func Run(ctx context.Context, cfg Config, rc RunConfig) (Stats, error) {
	if err := rc.defaults(); err != nil {
		return Stats{}, err
	}
	r := &runner{cfg: cfg, rc: rc, parts: map[int32]*part{},
		log: rc.Logger.With("job", rc.Job, "group", rc.Group, "input", rc.Input)}
	r.stats.Out = map[string]int64{}
	if err := r.setup(ctx); err != nil {
		r.close()
		return r.stats, err
	}
	err := r.loop(ctx)
	r.close()
	return r.stats, err
}

func (r *runner) setup(ctx context.Context) error {
	var err error
	if r.admc, err = newClient(r.cfg); err != nil {
		return err
	}
	r.adm = kadm.NewClient(r.admc)
	if r.nparts, err = partitionCount(ctx, r.adm, r.rc.Input); err != nil {
		return fmt.Errorf("run %s: input: %w", r.rc.Job, err)
	}
	if err := CreateTopics(ctx, r.cfg, []string{r.rc.StateTopic}, r.nparts, -1, map[string]bool{r.rc.StateTopic: true}); err != nil {
		return fmt.Errorf("run %s: %w", r.rc.Job, err)
	}
	sp, err := partitionCount(ctx, r.adm, r.rc.StateTopic)
	if err != nil {
		return fmt.Errorf("run %s: state: %w", r.rc.Job, err)
	}
	if sp < r.nparts {
		return fmt.Errorf("%w: state topic %s has %d partitions, expected at least the %d of %s", ErrConfig, r.rc.StateTopic, sp, r.nparts, r.rc.Input)
	}
	if !r.rc.Follow {
		_, ends, err := bounds(ctx, r.adm, r.rc.Input)
		if err != nil {
			return err
		}
		r.ends = ends
	}
	opts, err := r.cfg.Opts()
	if err != nil {
		return err
	}
	codec, err := compression(r.rc.Compression)
	if err != nil {
		return err
	}
	opts = append(opts,
		kgo.ConsumerGroup(r.rc.Group),
		kgo.ConsumeTopics(r.rc.Input),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.TransactionalID(r.rc.TransactionalID),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.RequireStableFetchOffsets(),
		kgo.KeepControlRecords(),
		kgo.ProducerBatchCompression(codec),
		kgo.RecordPartitioner(statePartitioner{state: r.rc.StateTopic, def: kgo.StickyKeyPartitioner(nil)}),
		kgo.SessionTimeout(r.rc.SessionTimeout),
		kgo.TransactionTimeout(r.rc.TransactionTimeout),
		kgo.OnPartitionsAssigned(r.onAssigned),
		kgo.OnPartitionsRevoked(r.onRevoked),
		kgo.OnPartitionsLost(r.onRevoked),
	)
	if r.sess, err = kgo.NewGroupTransactSession(opts...); err != nil {
		return fmt.Errorf("run %s: transactional session: %w", r.rc.Job, err)
	}
	r.prod = &txnProducer{sess: r.sess}
	r.sink = NewSink(r.rc.Outputs, r.prod)
	r.emit = &countRejected{Emitter: r.sink, n: &r.rejected}
	if r.rc.Batches != nil {
		r.emit = record.Fanout{r.emit, r.rc.Batches}
	}
	r.log.Info("run starting", "follow", r.rc.Follow, "global", r.rc.Global, "partitions", r.nparts,
		"state", r.rc.StateTopic, "txn_id", r.rc.TransactionalID, "kafka", r.cfg)
	return nil
}

func (r *runner) close() {
	if r.sess != nil {
		r.sess.Close()
	}
	if r.admc != nil {
		r.admc.Close()
	}
}

// Callbacks only queue the change; the loop acts on it between polls.
// OnPartitionsAssigned runs before fetching starts for the new partitions,
// so their first records are always polled after the event is queued.
func (r *runner) onAssigned(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.queue(true, m[r.rc.Input])
}

func (r *runner) onRevoked(_ context.Context, _ *kgo.Client, m map[string][]int32) {
	r.queue(false, m[r.rc.Input])
}

func (r *runner) queue(assigned bool, ps []int32) {
	r.mu.Lock()
	r.events = append(r.events, assignment{assigned, slices.Clone(ps)})
	r.mu.Unlock()
}

func (r *runner) loop(ctx context.Context) error {
	r.lastLog = time.Now()
	for {
		if err := r.handleEvents(ctx); err != nil {
			r.abortQuietly()
			return err
		}
		if ctx.Err() != nil {
			return r.finish()
		}
		if !r.rc.Follow && r.assignedOnce && r.boundedDone() {
			if err := r.transact(ctx); err != nil {
				return err
			}
			if r.boundedDone() && r.pendingN == 0 {
				r.awaitMarkers(ctx)
				r.log.Info("run done: reached end offsets", r.statsAttrs()...)
				return nil
			}
			continue
		}
		if !r.rc.Follow && len(r.parts) == 0 {
			if done, err := r.groupDone(ctx); err != nil || done {
				if done {
					r.log.Info("run done: every partition already committed to its end offset")
				}
				return err
			}
		}
		wait := 250 * time.Millisecond
		if r.pendingN > 0 {
			wait = max(time.Until(r.commitDue()), time.Millisecond)
		}
		pctx, cancel := context.WithTimeout(ctx, wait)
		fs := r.sess.PollRecords(pctx, r.rc.CommitRecords)
		cancel()
		if err := fetchErr(fs); err != nil {
			r.abortQuietly()
			return fmt.Errorf("run %s: polling %s: %w", r.rc.Job, r.rc.Input, err)
		}
		// Events queued before these records' partitions started fetching.
		if err := r.handleEvents(ctx); err != nil {
			r.abortQuietly()
			return err
		}
		r.collect(fs)
		if r.eager() {
			if err := r.processPolled(); err != nil {
				r.abortQuietly()
				return err
			}
		}
		// Once ctx is done, finish commits on a context of its own.
		if ctx.Err() == nil && r.pendingN > 0 && (r.pendingN >= r.rc.CommitRecords || !time.Now().Before(r.commitDue())) {
			if err := r.transact(ctx); err != nil {
				return err
			}
		}
		r.progress()
	}
}

// finish commits what was polled before ctx was cancelled (Follow mode).
func (r *runner) finish() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.transact(ctx); err != nil {
		return err
	}
	r.awaitMarkers(ctx)
	r.log.Info("run stopped", r.statsAttrs()...)
	return nil
}

func fetchErr(fs kgo.Fetches) error {
	var first error
	fs.EachError(func(_ string, _ int32, err error) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return
		}
		if first == nil {
			first = err
		}
	})
	return first
}

// collect queues polled records by partition, dropping any that precede
// the partition's position (fetches buffered before a rewind).
func (r *runner) collect(fs kgo.Fetches) {
	fs.EachPartition(func(ftp kgo.FetchTopicPartition) {
		if ftp.Topic != r.rc.Input || len(ftp.Records) == 0 {
			return
		}
		pt := r.parts[ftp.Partition]
		if pt == nil {
			r.log.Warn("records for a partition not owned; dropped", "partition", ftp.Partition, "records", len(ftp.Records))
			return
		}
		end := pt.pos
		if n := len(pt.pending); n > 0 {
			end = pt.pending[n-1].Offset + 1
		}
		for _, rec := range ftp.Records {
			if rec.Offset < end {
				continue
			}
			pt.pending = append(pt.pending, rec)
			end = rec.Offset + 1
			if r.pendingN == 0 {
				r.pendingSince = time.Now()
			}
			r.pendingN++
		}
		if lso := ftp.LastStableOffset; lso >= 0 {
			pt.lag = max(lso-end, 0)
		}
	})
}

// boundedDone reports whether every owned partition has been read (or
// polled) up to the end offset listed at start.
func (r *runner) boundedDone() bool {
	for p, pt := range r.parts {
		end := pt.pos
		if n := len(pt.pending); n > 0 {
			end = pt.pending[n-1].Offset + 1
		}
		if end < r.ends[p] {
			return false
		}
	}
	return true
}

// groupDone reports whether the group has committed every input partition
// up to its end offset (a bounded run that owns nothing can stop).
func (r *runner) groupDone(ctx context.Context) (bool, error) {
	if time.Since(r.lastGroupCheck) < time.Second {
		return false, nil
	}
	r.lastGroupCheck = time.Now()
	offs, err := r.committedOffsets(ctx, nil)
	if err != nil {
		return false, err
	}
	for p, end := range r.ends {
		o, ok := offs[p]
		if end > 0 && (!ok || o < end) {
			return false, nil
		}
	}
	return true, nil
}

func (r *runner) progress() {
	if time.Since(r.lastLog) < r.rc.ProgressEvery {
		return
	}
	var lag int64
	for _, pt := range r.parts {
		lag += pt.lag
	}
	r.rc.Metrics.Lag(lag)
	secs := time.Since(r.lastLog).Seconds()
	r.log.Info("progress", append(r.statsAttrs(),
		"records_per_s", int64(float64(r.stats.RecordsIn-r.lastIn)/secs), "lag", lag, "partitions", len(r.parts))...)
	r.lastLog, r.lastIn = time.Now(), r.stats.RecordsIn
}

func (r *runner) statsAttrs() []any {
	return []any{"records_in", r.stats.RecordsIn, "out", r.stats.Out, "rejects", r.stats.Rejects,
		"commits", r.stats.Commits, "aborts", r.stats.Aborts}
}

// countRejected counts REJECTED events on their way to the sink.
type countRejected struct {
	record.Emitter
	n *int64
}

func (c *countRejected) Event(e *record.Event) {
	if e.Type == record.Rejected {
		*c.n++
	}
	c.Emitter.Event(e)
}
