package runner

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/metrics"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// Job describes a stream job to the runner.
type Job struct {
	Name    string // match | sma | profit
	Factory stream.Factory
	// Global runs one processor over every input partition (profit ranks
	// across instruments); the job must then own all partitions.
	Global bool
	// Input picks the input topic; Outputs blanks the topics a job does not
	// write.
	Input   func(kafka.Topics) string
	Outputs func(kafka.Topics) kafka.Topics
	// InputDataset is what the job reads: "orders" or "trades" (for
	// replays of archived data).
	InputDataset string
	// Datasets are the Arrow micro-batch datasets the job writes.
	Datasets []columnar.Dataset
	// Human, if set, also receives every output (stderr echo lines).
	Human record.Emitter
}

// Summary says what a run did.
type Summary struct {
	Job     string
	Read    int64 // input records handed to the processor
	Out     stream.Counts
	Commits int64 // Kafka transactions committed
	Aborts  int64
	Phases  kafka.Phases // where the commits spent their time (Kafka mode)
	Elapsed time.Duration
}

// String is the one-line summary printed at the end of a run.
func (s Summary) String() string {
	c := s.Out
	line := fmt.Sprintf("%s: read %d, wrote %d (trades %d, events %d, bars %d, sma %d, profit %d), rejected %d",
		s.Job, s.Read, c.Total()-c.Rejects, c.Trades, c.Events, c.Bars, c.SMAs, c.Profits, c.Rejects+c.Rejected)
	if s.Commits+s.Aborts > 0 {
		line += fmt.Sprintf(", %d transactions committed, %d aborted", s.Commits, s.Aborts)
	}
	if c.BookUpdates+c.BookSnapshots > 0 {
		line += fmt.Sprintf(", book updates %d, book snapshots %d", c.BookUpdates, c.BookSnapshots)
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
		return sum, fmt.Errorf("%w: --threads: %s runs one thread (it ranks across every partition), got %d", ErrUsage, job.Name, cfg.Threads)
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
		bw, err := columnar.NewBatchWriter(dir, job.Datasets...)
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
	group := cfg.Group
	if group == "" {
		group = "bourse-" + job.Name
	}
	st, err := kafka.Run(ctx, cfg.Kafka, kafka.RunConfig{
		Job:             job.Name,
		Group:           group,
		TransactionalID: cfg.TransactionalID,
		Input:           job.Input(cfg.Topics),
		StateTopic:      stateTopic(cfg.StateTopic, job.Name),
		Factory:         job.Factory,
		Global:          job.Global,
		Outputs:         job.Outputs(cfg.Topics),
		Threads:         cfg.Threads,
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
	out := stream.Counts{
		Trades: st.Out[kafka.KindTrade], Events: st.Out[kafka.KindEvent], Bars: st.Out[kafka.KindBar],
		SMAs: st.Out[kafka.KindSMA], Profits: st.Out[kafka.KindProfit], Rejects: st.Out[kafka.KindReject],
		BookUpdates: st.Out[kafka.KindBook], BookSnapshots: st.Out[kafka.KindBookSnapshot],
		Rejected: st.Rejects - st.Out[kafka.KindReject],
	}
	return Summary{Read: st.RecordsIn, Out: out, Commits: st.Commits, Aborts: st.Aborts, Phases: st.Phases}, err
}

func stateTopic(flag, job string) string {
	if flag != "" {
		return flag
	}
	return kafka.StateTopic(job)
}
