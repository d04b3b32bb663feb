package kafka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	// ErrIncomplete: a bounded run gave up before the group's committed
	// offsets reached the end offsets on every input partition.
	ErrIncomplete = errors.New("input not completely processed")
)

// Defaults of a RunConfig, used when the field is zero.
const (
	DefaultCommitInterval = 100 * time.Millisecond
	DefaultCommitRecords  = 10_000
	DefaultSessionTimeout = 45 * time.Second
)

// RunConfig configures one exactly-once stream job run.
type RunConfig struct {
	Job        string         // job name: match, sma or profit
	Group      string         // consumer group; default "bourse-<job>"
	Input      string         // input topic
	StateTopic string         // compacted snapshot topic; default "bourse-<job>-state"
	Factory    stream.Factory // one Processor per input partition; called with -1 in Global mode
	Global     bool           // one Processor for all partitions; requires owning every partition
	Outputs    Topics         // where each output kind goes; empty name = not produced
	// Threads is how many members of the group this process runs, each
	// with its own transactional producer (static instance and
	// transactional id TransactionalID-<i> when more than one), so the
	// partitions it owns are processed in parallel. Default 1; a Global
	// job has one.
	Threads int
	// Batches are the Arrow batch sinks, one per thread; none = no
	// batch files.
	Batches        []stream.BatchSink
	Echo           record.Emitter // also receives every output (human lines); nil = none
	Follow         bool           // run until ctx is cancelled instead of to the end offsets
	CommitInterval time.Duration  // default 100ms
	CommitRecords  int            // default 10000
	Compression    string         // output batch codec: lz4 (default), zstd, snappy, gzip, none
	// TransactionalID identifies this instance's producer and, as its
	// static group instance id, its group membership. A restarted instance
	// with the same id fences its crashed predecessor at once and takes
	// over its partitions without waiting for the session timeout.
	// Instances of one group need distinct ids. Default
	// "bourse-<group>-<hostname>".
	TransactionalID string
	Logger          *slog.Logger
	Metrics         *metrics.Job
	ProgressEvery   time.Duration // progress log period; default 5s
	// SessionTimeout is the group session timeout (default 45s): how long
	// a crashed instance that is not restarted keeps its partitions.
	SessionTimeout time.Duration
	// TransactionTimeout bounds how long the broker keeps a transaction
	// of a vanished instance open (blocking read_committed readers);
	// default 40s.
	TransactionTimeout time.Duration
	// FinishTimeout (bounded runs): how long a run whose own partitions
	// are done waits without progress for the group to finish the rest
	// (another member's, or partitions not yet reassigned) before it fails
	// with ErrIncomplete. Default SessionTimeout + 30s.
	FinishTimeout time.Duration
	// Restarts is how many times in a row a run attempt that failed with
	// a transient error (a failed produce, a broker or the network
	// unavailable, a transaction of unknown outcome) is replaced by a
	// fresh one in this process, after a backoff of 1s, 2s, 4s...; an
	// attempt that committed a transaction resets the count. 0: the run
	// fails at the first error.
	Restarts int

	// forceAbort, set by tests, makes transaction n (from 1) abort.
	forceAbort func(n int) bool
	// settleTimeout bounds how long a restore waits for state and
	// offsets to agree; default 1m.
	settleTimeout time.Duration
	// restartBackoff is the pause before the first restart in a row;
	// default 1s.
	restartBackoff time.Duration
}

// Stats counts what a run committed (aborted work is not counted).
type Stats struct {
	RecordsIn int64         // input records processed
	Out       record.Counts // output records by kind; Out.Rejects() counts reject records plus REJECTED events
	Commits   int64         // transactions committed
	Aborts    int64         // transactions aborted and redone
	Restarts  int64         // run attempts restarted after a transient error (RunConfig.Restarts)
	Phases    Phases        // where the committed transactions' commits spent their time
}

// Phases totals the time the commits of committed transactions spent in
// each step, in order: naming the batch files, encoding and producing the
// snapshots, flushing the outputs and snapshots, what remained of writing
// and fsyncing the batch files when the flush was done (they are written
// during the flush), and ending the transaction (offsets commit and
// EndTxn).
type Phases struct {
	Stage, Snapshot, Flush, Sync, End time.Duration
}

func (p *Phases) add(o Phases) {
	p.Stage += o.Stage
	p.Snapshot += o.Snapshot
	p.Flush += o.Flush
	p.Sync += o.Sync
	p.End += o.End
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
	if rc.Threads <= 0 {
		rc.Threads = 1
	}
	if rc.Global && rc.Threads > 1 {
		return fmt.Errorf("%w: run %s: a global job runs one thread, got %d", ErrConfig, rc.Job, rc.Threads)
	}
	if len(rc.Batches) != 0 && len(rc.Batches) != rc.Threads {
		return fmt.Errorf("%w: run %s: %d batch sinks for %d threads, want one per thread", ErrConfig, rc.Job, len(rc.Batches), rc.Threads)
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
		rc.CommitInterval = DefaultCommitInterval
	}
	if rc.CommitRecords <= 0 {
		rc.CommitRecords = DefaultCommitRecords
	}
	if rc.ProgressEvery <= 0 {
		rc.ProgressEvery = 5 * time.Second
	}
	if rc.TransactionTimeout <= 0 {
		rc.TransactionTimeout = 40 * time.Second
	}
	if rc.SessionTimeout <= 0 {
		rc.SessionTimeout = DefaultSessionTimeout
	}
	if rc.FinishTimeout <= 0 {
		rc.FinishTimeout = rc.SessionTimeout + 30*time.Second
	}
	if rc.restartBackoff <= 0 {
		rc.restartBackoff = defaultRestartBackoff
	}
	if rc.Restarts < 0 {
		return fmt.Errorf("%w: run %s: restarts must be >= 0, got %d", ErrConfig, rc.Job, rc.Restarts)
	}
	if rc.settleTimeout <= 0 {
		rc.settleTimeout = time.Minute
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

// linger is how long output batches wait for more records before they
// are sent. A transaction's outputs are only visible once it commits, and
// the commit flushes whatever still lingers, so in follow mode (latency
// counts) batches go out almost at once and the commit finds little left
// to send; a bounded run keeps franz-go's default for fuller batches.
func (rc *RunConfig) linger() time.Duration {
	if rc.Follow {
		return time.Millisecond
	}
	return 10 * time.Millisecond
}

// part is the runner's view of one owned input partition.
type part struct {
	p         int32
	pos       int64 // next input offset to process (control records included)
	hasCommit bool  // the group has a committed offset for p
	next      int64 // the committed offset, or where a fresh partition starts
	lag       int64
	// In the open transaction: whether records (or control records) were
	// consumed, and the processed data records' offset range.
	touched           bool
	txnN              int
	txnFirst, txnLast int64
	// Bounded runs: ran is set once a data record was processed, ended
	// once the processor's End was called at the end offset.
	ran, ended bool
}

type assignment struct {
	assigned bool
	parts    []int32
}

// runner is one Run. Its loop moves between three parts, each in a file
// of its own: assignment (assign.go: restore and verify newly assigned
// partitions, roll back on a revoke), the transaction cycle (txn.go:
// begin, process, stage batch files and snapshots, commit or abort and
// roll back), and the stop rule (stop.go).
type runner struct {
	cfg  Config
	rc   RunConfig
	log  *slog.Logger
	sess *kgo.GroupTransactSession
	adm  *kadm.Client
	admc *kgo.Client

	nparts int32
	parts  map[int32]*part
	states states
	snaps  *snapshotWriter // writes only the chunks a snapshot changed
	starts map[int32]int64 // first offsets at start
	ends   map[int32]int64 // bounded mode: last stable offsets at start

	mu     sync.Mutex
	events []assignment

	runID   string           // names this run's staged batch files
	batches stream.BatchSink // nil = none
	txn     *openTxn
	out     arena // the open transaction's output records
	sink    *Sink
	emit    record.Emitter
	rec     stream.Record
	lastEnd time.Time // when the last transaction ended
	txnN    int       // transactions begun

	stop stopState

	stats   Stats
	lastLog time.Time
	lastIn  int64
}

// Run consumes rc.Input in consumer group rc.Group, feeds each partition's
// records to its Processor, and commits outputs, input offsets and
// processor snapshots in one Kafka transaction. See the package doc.
func Run(ctx context.Context, cfg Config, rc RunConfig) (Stats, error) {
	if err := rc.defaults(); err != nil {
		return Stats{}, err
	}
	if rc.Threads == 1 {
		return runMember(ctx, cfg, rc, 0)
	}
	return runThreads(ctx, cfg, rc)
}

// runAttempt runs one attempt of member i with a runner of its own (new
// clients, producer id, group membership and restored state), its stats
// starting from prior.
func runAttempt(ctx context.Context, cfg Config, rc RunConfig, i int, prior Stats) (Stats, error) {
	r := &runner{cfg: cfg, rc: rc, parts: map[int32]*part{}, stats: prior, lastIn: prior.RecordsIn,
		log: rc.Logger.With("job", rc.Job, "group", rc.Group, "input", rc.Input)}
	if len(rc.Batches) > 0 {
		r.batches = rc.Batches[i]
	}
	if rc.Threads > 1 {
		r.rc.TransactionalID = fmt.Sprintf("%s-%d", rc.TransactionalID, i)
		r.log = r.log.With("thread", i)
	}
	if err := r.setup(ctx); err != nil {
		r.close(false)
		return r.stats, err
	}
	err := r.loop(ctx)
	r.close(err == nil)
	return r.stats, err
}

func (r *runner) setup(ctx context.Context) error {
	var err error
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	r.runID = hex.EncodeToString(id)
	if r.admc, err = newClient(r.cfg); err != nil {
		return err
	}
	r.adm = kadm.NewClient(r.admc)
	if r.nparts, err = ensureStateTopic(ctx, r.cfg, r.adm, &r.rc); err != nil {
		return err
	}
	sp, err := partitionCount(ctx, r.adm, r.rc.StateTopic)
	if err != nil {
		return fmt.Errorf("run %s: state: %w", r.rc.Job, err)
	}
	if sp < r.nparts {
		return fmt.Errorf("%w: state topic %s has %d partitions, expected at least the %d of %s", ErrConfig, r.rc.StateTopic, sp, r.nparts, r.rc.Input)
	}
	if r.starts, r.ends, err = bounds(ctx, r.adm, r.rc.Input); err != nil {
		return err
	}
	r.snaps = newSnapshotWriter()
	if r.rc.Global {
		r.states = newGlobal(&r.rc, r.nparts)
	} else {
		r.states = newPartitioned(&r.rc)
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
		kgo.InstanceID(r.rc.TransactionalID),
		kgo.ConsumeTopics(r.rc.Input),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.TransactionalID(r.rc.TransactionalID),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.ProducerBatchCompression(codec),
		kgo.ProducerLinger(r.rc.linger()),
		kgo.RecordPartitioner(statePartitioner{state: r.rc.StateTopic, def: kgo.StickyKeyPartitioner(nil)}),
		kgo.SessionTimeout(r.rc.SessionTimeout),
		kgo.TransactionTimeout(r.rc.TransactionTimeout),
		kgo.OnPartitionsAssigned(r.onAssigned),
		kgo.OnPartitionsRevoked(r.onRevoked),
		kgo.OnPartitionsLost(r.onRevoked),
		kgo.WithLogger(clientLogger{r.log}),
	)
	if r.sess, err = kgo.NewGroupTransactSession(opts...); err != nil {
		return fmt.Errorf("run %s: transactional session: %w", r.rc.Job, err)
	}
	if err := r.fence(ctx); err != nil {
		return err
	}
	r.sink = NewSink(r.rc.Outputs, producerFunc(r.produce))
	out := record.Fanout{r.sink}
	if r.batches != nil {
		out = append(out, r.batches)
	}
	if r.rc.Echo != nil {
		out = append(out, r.rc.Echo)
	}
	r.emit = out
	if len(out) == 1 {
		r.emit = r.sink
	}
	r.log.Info("run starting", "follow", r.rc.Follow, "global", r.rc.Global, "partitions", r.nparts,
		"state", r.rc.StateTopic, "txn_id", r.rc.TransactionalID, "kafka", r.cfg)
	return nil
}

// ensureStateTopic creates the state topic, if missing, with the input's
// partition count, which it returns.
func ensureStateTopic(ctx context.Context, cfg Config, adm *kadm.Client, rc *RunConfig) (int32, error) {
	n, err := partitionCount(ctx, adm, rc.Input)
	if err != nil {
		return 0, fmt.Errorf("run %s: input: %w", rc.Job, err)
	}
	if err := CreateTopics(ctx, cfg, []string{rc.StateTopic}, n, -1, map[string]bool{rc.StateTopic: true}); err != nil {
		return 0, fmt.Errorf("run %s: %w", rc.Job, err)
	}
	return n, nil
}

// close ends the run's clients. A static member does not leave its group
// when its client closes (so that a restart takes its partitions back at
// once); a run that ends cleanly leaves explicitly, so that the next
// run's members (Airflow starts a new pod per run) are not kept waiting
// for the session timeout.
func (r *runner) close(leave bool) {
	if r.sess != nil {
		r.sess.Close()
	}
	if leave && r.adm != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := r.adm.LeaveGroup(ctx, kadm.LeaveGroup(r.rc.Group).InstanceIDs(r.rc.TransactionalID).Reason("run done"))
		cancel()
		if err != nil {
			r.log.Debug("leaving the group", "err", err)
		}
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

// loop polls, processes and commits until the stop rule says the run is
// done (bounded) or ctx is cancelled (follow).
func (r *runner) loop(ctx context.Context) error {
	r.lastLog = time.Now()
	r.stop.since = time.Now()
	for {
		if err := r.handleEvents(ctx); err != nil {
			r.abortQuietly(nil)
			return err
		}
		if ctx.Err() != nil {
			return r.finish()
		}
		if !r.rc.Follow {
			done, err := r.bounded(ctx)
			if err != nil || done {
				return err
			}
		}
		wait := 250 * time.Millisecond
		if r.txn != nil {
			wait = max(time.Until(r.commitDue()), time.Millisecond)
		}
		pctx, cancel := context.WithTimeout(ctx, wait)
		fs := r.sess.PollRecords(pctx, r.rc.CommitRecords)
		cancel()
		if err := fetchErr(fs); err != nil {
			// A lost group session (a broker outage) ends this runner with
			// an error: a fresh runner (RunConfig.Restarts) or the rerun
			// (Airflow's retry) restores from the committed snapshots.
			// Riding it out in this runner was tried and lost an aborted
			// transaction's records once; see the package doc.
			r.abortQuietly(nil)
			return fmt.Errorf("run %s: polling %s: %w", r.rc.Job, r.rc.Input, err)
		}
		// Events queued before these records' partitions started fetching.
		if err := r.handleEvents(ctx); err != nil {
			r.abortQuietly(nil)
			return err
		}
		if err := r.process(fs); err != nil {
			r.abortQuietly(nil)
			return err
		}
		// Once ctx is done, finish commits on a context of its own.
		if ctx.Err() == nil && r.txn != nil && (r.txn.polled >= r.rc.CommitRecords || !time.Now().Before(r.commitDue())) {
			if err := r.commit(ctx); err != nil {
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
	if err := r.commit(ctx); err != nil {
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
	return []any{"records_in", r.stats.RecordsIn, "out", r.stats.Out, "rejects", r.stats.Out.Rejects(),
		"commits", r.stats.Commits, "aborts", r.stats.Aborts, "restarts", r.stats.Restarts}
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
