package streamjob

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/metrics"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// Job describes a stream job: what it reads and the kinds it
// writes, from which its Kafka topics, its Arrow datasets and its file
// outputs derive.
type Job struct {
	Name string // match | sma | profit
	// Input is what the job reads.
	Input Source
	// Outputs are the kinds the job writes.
	Outputs []record.Kind
	// Global runs one processor over every input partition (profit ranks
	// across instruments); the job must then own all partitions.
	Global bool
	// Factory makes the job's processors; set for a run.
	Factory stream.Factory
	// Human, if set, also receives every output (stderr echo lines).
	Human record.Emitter
}

// Source is what a stream job reads: the orders (match), or the records of
// one output kind (sma and profit read trades).
type Source struct {
	Orders bool
	Kind   record.Kind // when !Orders
}

// Orders is the orders input.
var Orders = Source{Orders: true}

// Records is the input of the records of kind k.
func Records(k record.Kind) Source { return Source{Kind: k} }

// topic is the input topic of s.
func (s Source) topic(t kafka.Topics) string {
	if s.Orders {
		return t.Orders
	}
	return t.Out[s.Kind]
}

// dataset is the archived dataset of s, for replays.
func (s Source) dataset() string {
	if s.Orders {
		return string(columnar.Orders)
	}
	return s.Kind.Info().Dataset
}

// datasets are the Arrow datasets of the kinds j writes.
func (j Job) datasets() []columnar.Dataset {
	var ds []columnar.Dataset
	for _, k := range j.Outputs {
		if d := k.Info().Dataset; d != "" {
			ds = append(ds, columnar.Dataset(d))
		}
	}
	return ds
}

// Summary says what a run did.
type Summary struct {
	Job     string
	Read    int64 // input records handed to the processor
	Out     record.Counts
	Commits int64 // Kafka transactions committed
	Aborts  int64
	// Restarts counts in-process restarts after transient Kafka errors.
	Restarts int64
	Phases   kafka.Phases // where the commits spent their time (Kafka mode)
	Elapsed  time.Duration
}

// String is the one-line summary printed at the end of a run: every kind
// but rejects, with the book feed and the statuses last and only when there
// were some.
func (s Summary) String() string {
	c := s.Out.ByKind
	isFeed := func(k record.Kind) bool { return k == record.KindBook || k == record.KindBookSnapshot }
	line := fmt.Sprintf("%s: read %d, wrote %d (", s.Job, s.Read, s.Out.Total()-c[record.KindReject])
	sep := ""
	for k := range record.NumKinds {
		if k != record.KindReject && k != record.KindStatus && !isFeed(k) {
			line += fmt.Sprintf("%s%s %d", sep, k.Info().Label, c[k])
			sep = ", "
		}
	}
	line += fmt.Sprintf("), rejected %d", s.Out.Rejects())
	if s.Commits+s.Aborts > 0 {
		line += fmt.Sprintf(", %d transactions committed, %d aborted", s.Commits, s.Aborts)
	}
	if s.Restarts > 0 {
		line += fmt.Sprintf(", %d restarts", s.Restarts)
	}
	if c[record.KindBook]+c[record.KindBookSnapshot] > 0 {
		for k := range record.NumKinds {
			if isFeed(k) {
				line += fmt.Sprintf(", %s %d", k.Info().Label, c[k])
			}
		}
	}
	if n := c[record.KindStatus]; n > 0 {
		line += fmt.Sprintf(", %s %d", record.KindStatus.Info().Label, n)
	}
	return line + fmt.Sprintf(" in %s", s.Elapsed.Round(time.Millisecond))
}

// Run runs job with cfg until its input ends (file mode, bounded Kafka
// mode) or ctx is cancelled (Kafka --follow).
func Run(ctx context.Context, cfg Config, job Job, log *slog.Logger) (Summary, error) {
	start := time.Now()
	sum := Summary{Job: job.Name}
	if err := cfg.Validate(); err != nil {
		return sum, err
	}
	if log == nil {
		log = slog.Default()
	}
	if job.Global && cfg.Threads > 1 {
		return sum, setup.Usage("--threads", fmt.Errorf("%s runs one thread (it ranks across every partition), got %d", job.Name, cfg.Threads))
	}
	threads := 1
	if cfg.KafkaMode() {
		threads = max(cfg.Threads, 1)
	}
	batches, err := openBatches(cfg.BatchDir, job, threads)
	if err != nil {
		return sum, err
	}
	if cfg.KafkaMode() {
		sum, err = runKafka(ctx, cfg, job, batches, log)
	} else {
		var bs stream.BatchSink
		if len(batches) > 0 {
			bs = batches[0]
		}
		sum, err = runFiles(ctx, cfg, job, bs, log)
	}
	for _, b := range batches {
		if cerr := b.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close batch dir: %w", cerr)
		}
	}
	sum.Job = job.Name
	sum.Elapsed = time.Since(start)
	return sum, err
}

// openBatches opens n Arrow batch writers on dir (one per thread: a
// writer is not shared between goroutines), none when dir is empty.
// Their files are prefixed "<job>.": two jobs writing one dataset (sma
// and profit both write rejects) into one directory never collide.
func openBatches(dir string, job Job, n int) ([]stream.BatchSink, error) {
	if dir == "" {
		return nil, nil
	}
	bs := make([]stream.BatchSink, n)
	for i := range bs {
		bw, err := columnar.NewBatchWriter(dir, job.datasets()...)
		if err != nil {
			for _, b := range bs[:i] {
				b.Close()
			}
			return nil, fmt.Errorf("open batch dir: %w", err)
		}
		bw.SetPrefix(job.Name + ".")
		bs[i] = bw
	}
	return bs, nil
}

func runKafka(ctx context.Context, cfg Config, job Job, batches []stream.BatchSink, log *slog.Logger) (Summary, error) {
	var m *metrics.Job
	if cfg.MetricsAddr != "" {
		_, stop, err := metrics.Serve(cfg.MetricsAddr)
		if err != nil {
			return Summary{}, fmt.Errorf("serve metrics on %s: %w", cfg.MetricsAddr, err)
		}
		defer stop()
		log.Info("serving metrics", "addr", cfg.MetricsAddr)
	}
	m = metrics.NewJob(job.Name)
	st, err := kafka.Run(ctx, cfg.Kafka, kafka.RunConfig{
		Job:             job.Name,
		Group:           cfg.Group,
		TransactionalID: cfg.TransactionalID,
		Input:           job.Input.topic(cfg.Topics),
		StateTopic:      cfg.StateTopic,
		Factory:         job.Factory,
		Global:          job.Global,
		Outputs:         cfg.Topics.Only(job.Outputs...),
		Threads:         cfg.Threads,
		Restarts:        cfg.Restarts,
		Batches:         batches,
		Echo:            job.Human,
		FinishTimeout:   cfg.FinishTimeout,
		Follow:          cfg.Follow,
		SessionTimeout:  cfg.SessionTimeout,
		CommitInterval:  cfg.CommitInterval,
		CommitRecords:   cfg.CommitRecords,
		Compression:     cfg.Compression,
		Logger:          log,
		Metrics:         m,
	})
	return Summary{Read: st.RecordsIn, Out: st.Out, Commits: st.Commits, Aborts: st.Aborts, Restarts: st.Restarts, Phases: st.Phases}, err
}
