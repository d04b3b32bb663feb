package kafkabench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// brokerConfig returns the broker named by BOURSE_KAFKA_BROKERS, or skips:
// these benchmarks measure a real broker, never the embedded one.
func brokerConfig(b *testing.B) kafka.Config {
	b.Helper()
	addrs := os.Getenv(kafka.EnvBrokers)
	if addrs == "" {
		b.Skipf("%s is not set: the Kafka benchmarks need a real broker (`make bench-kafka` starts one on 127.0.0.1:9092 and sets it)", kafka.EnvBrokers)
	}
	return kafka.FromEnv(kafka.Config{Brokers: kafka.SplitBrokers(addrs)}, os.Getenv)
}

var (
	workloadOnce sync.Once
	workloadVal  *Workload
	workloadErr  error
)

// sharedWorkload generates the benchmarks' order flow once per process.
func sharedWorkload(b *testing.B) *Workload {
	b.Helper()
	workloadOnce.Do(func() { workloadVal, workloadErr = NewWorkload(throughputOrders, seed) })
	if workloadErr != nil {
		b.Fatal(workloadErr)
	}
	return workloadVal
}

// fresh is one measurement's own topics and group on the shared broker.
type fresh struct {
	topics kafka.Topics
	warmup string // a topic for warming up producers
	group  string
}

// newFresh creates orders, trades, events, book and (compacted)
// book-snapshots topics with the benchmark's partition count (match
// produces the book feed, as in production), a one-partition warm-up
// topic, and publishes the workload's instruments to a fresh instruments
// topic (as `bourse produce` does).
func newFresh(b *testing.B, ctx context.Context, kc kafka.Config, kind string) fresh {
	b.Helper()
	p := fmt.Sprintf("bench-%s-%d", kind, time.Now().UnixNano())
	f := fresh{
		topics: kafka.PrefixedTopics(p).Only(record.KindTrade, record.KindEvent, record.KindBook, record.KindBookSnapshot),
		warmup: p + "-warmup",
		group:  p + "-match",
	}
	if err := kafka.CreateTopics(ctx, kc, []string{f.topics.Orders, f.topics.Out[record.KindTrade], f.topics.Out[record.KindEvent], f.topics.Out[record.KindBook], f.topics.Out[record.KindBookSnapshot]},
		partitions, -1, map[string]bool{f.topics.Out[record.KindBookSnapshot]: true}); err != nil {
		b.Fatal(err)
	}
	if err := kafka.CreateTopics(ctx, kc, []string{f.warmup}, 1, -1, nil); err != nil {
		b.Fatal(err)
	}
	if err := kafka.PublishInstruments(ctx, kc, f.topics.Instruments, BenchInstruments()); err != nil {
		b.Fatal(err)
	}
	return f
}

// warmProducer connects the produce job's producer (idempotent, batched,
// zstd, 5 ms linger) and gets its connection and producer id with one
// record to the warm-up topic, so that the measurement starts warm.
func warmProducer(b *testing.B, ctx context.Context, kc kafka.Config, f fresh) *kafka.Producer {
	b.Helper()
	p, err := kafka.NewProducer(kc, kafka.ProducerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.ProduceSync(ctx, f.warmup, nil, []byte("warm-up")); err != nil {
		p.Close()
		b.Fatal(err)
	}
	return p
}

// matchJob is the match job running exactly-once in follow mode, in
// process.
type matchJob struct {
	cancel context.CancelFunc
	done   chan struct{}
	sum    streamjob.Summary
	err    error
}

// warmupOrder is the value startMatch sends through the match job before a
// measurement: not an order, so it becomes one REJECTED execution report
// and touches no book.
var warmupOrder = []byte(`{"kafkabench":"warm-up, not an order"}`)

// startMatch starts the match job on f's topics and group with the given
// commit interval, threads (group members) and batch files or not, and
// returns once the job is processing: its group owns every orders
// partition, spread over all its members, it has restored them (from its
// own, empty state topic), and it has committed warmupOrder, sent with p.
func startMatch(b *testing.B, ctx context.Context, kc kafka.Config, f fresh, commit time.Duration, threads int, batches bool, p *kafka.Producer) *matchJob {
	b.Helper()
	cfg := match.DefaultConfig()
	cfg.Kafka, cfg.Topics, cfg.Group = kc, f.topics, f.group
	cfg.StateTopic = f.group + "-state"
	cfg.Follow, cfg.Quiet, cfg.CommitInterval = true, true, commit
	// The production path, as the micro-batch DAG runs it: Arrow batches
	// staged and published with every transaction, a fixed txn id.
	if batches {
		cfg.BatchDir = b.TempDir()
	}
	cfg.TransactionalID = f.group + "-txn"
	cfg.Threads = threads
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	rctx, cancel := context.WithCancel(ctx)
	m := &matchJob{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		m.sum, m.err = match.Run(rctx, cfg, nil, log)
	}()
	off, err := kafka.NewOffsets(kc)
	if err != nil {
		m.stop()
		b.Fatal(err)
	}
	defer off.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		n, members, err := off.Assignment(ctx, f.group, f.topics.Orders)
		if err == nil && n == partitions && members == threads {
			break
		}
		select {
		case <-m.done:
			b.Fatalf("match stopped before joining its group: %v", m.err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.stop()
			b.Fatalf("match group %s owns %d of %d partitions after 60s (last error: %v)", f.group, n, partitions, err)
		}
	}
	if err := p.ProduceSync(ctx, f.topics.Orders, []byte("warm-up"), warmupOrder); err != nil {
		m.stop()
		b.Fatal(err)
	}
	end, err := off.End(ctx, f.topics.Orders)
	if err == nil {
		wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		err = waitCommitted(wctx, off, f.group, f.topics.Orders, end, 10*time.Millisecond)
		cancel()
	}
	if err != nil {
		m.stop()
		b.Fatalf("match did not commit the warm-up record: %v", err)
	}
	return m
}

// stop cancels the job (it commits what it has polled) and waits for it.
func (m *matchJob) stop() (streamjob.Summary, error) {
	m.cancel()
	select {
	case <-m.done:
		return m.sum, m.err
	case <-time.After(60 * time.Second):
		return m.sum, fmt.Errorf("match did not stop within 60s of cancel")
	}
}

// waitCommitted polls the group's committed offsets on topic until they
// reach end on every partition. The runner commits offsets in the same
// transaction as the outputs they produced, so this is the moment every
// output of those inputs is visible to read_committed consumers.
func waitCommitted(ctx context.Context, off *kafka.Offsets, group, topic string, end map[int32]int64, every time.Duration) error {
	for {
		got, err := off.Group(ctx, group, topic)
		if err != nil {
			return err
		}
		done := true
		for p, e := range end {
			if got[p] < e {
				done = false
				break
			}
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("group %s committed %v on %s, expected %v: %w", group, got, topic, end, ctx.Err())
		case <-time.After(every):
		}
	}
}

// countRecords counts the committed records of topic.
func countRecords(ctx context.Context, kc kafka.Config, topic string) (int, error) {
	n := 0
	err := kafka.ReadAll(ctx, kc, topic, func(*kgo.Record) { n++ })
	return n, err
}
