package kafka

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// rangeSink is a BatchSink that records the ranges it is asked to stage
// and publish.
// nopEmitter drops every record; embedded under this name so that
// rangeSink's Discard method does not clash with the field.
type nopEmitter = record.Discard

type rangeSink struct {
	nopEmitter
	mu        sync.Mutex
	staged    map[string]stream.Range
	ranges    []stream.Range
	discarded int
}

func (s *rangeSink) Seek(int32, int64) {}
func (s *rangeSink) Stage(rs []stream.Range, txn string) ([][]string, func() error, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.staged == nil {
		s.staged = map[string]stream.Range{}
	}
	var files [][]string
	for _, r := range rs {
		name := r.String() + "." + txn
		s.staged[name] = r
		files = append(files, []string{name})
	}
	return files, func() error { return nil }, nil
}
func (s *rangeSink) Publish(files []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range files {
		s.ranges = append(s.ranges, s.staged[f])
	}
	return nil
}
func (s *rangeSink) Discard(files []string) error {
	s.mu.Lock()
	s.discarded += len(files)
	s.mu.Unlock()
	return nil
}
func (s *rangeSink) Recover(string, int32, []string) error { return nil }
func (s *rangeSink) Close() error                          { return nil }

func TestRunExactlyOnce(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 2000)
		rc := b.runConfig(in, out, group)
		sink := &rangeSink{}
		rc.Batches = []stream.BatchSink{sink}
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn != 2000 || st.Out.ByKind[record.KindSMA] != 2000 || st.Commits == 0 {
			t.Fatalf("stats %+v: want 2000 in, 2000 sma out, some commits", st)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
		// Flushed ranges tile each partition's offsets without overlap.
		byPart := map[int32][]stream.Range{}
		for _, r := range sink.ranges {
			byPart[r.Partition] = append(byPart[r.Partition], r)
		}
		var covered int64
		for p, rs := range byPart {
			for i, r := range rs {
				if r.Source != in || r.Last < r.First || (i > 0 && r.First <= rs[i-1].Last) {
					t.Fatalf("partition %d: bad range %d %+v after %+v", p, i, r, rs[max(i-1, 0)])
				}
				covered += r.Last - r.First + 1
			}
		}
		if covered != 2000 {
			t.Fatalf("ranges cover %d offsets, want 2000", covered)
		}
	})
}

// TestRunThreads runs two members in one process, each with its own batch
// sink, some transactions forced to abort: the outputs equal the direct
// computation and the two sinks' published ranges tile every partition's
// offsets exactly once between them.
func TestRunThreads(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 3000)
		rc := b.runConfig(in, out, group)
		rc.CommitRecords = 200
		rc.forceAbort = func(n int) bool { return n%4 == 0 }
		sinks := []*rangeSink{{}, {}}
		rc.Threads, rc.Batches = 2, []stream.BatchSink{sinks[0], sinks[1]}
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn != 3000 || st.Out.ByKind[record.KindSMA] != 3000 {
			t.Fatalf("stats %+v: want exactly 3000 in and out over both threads", st)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
		seen := map[int32]map[int64]bool{}
		for i, s := range sinks {
			t.Logf("thread %d published %d ranges", i, len(s.ranges))
			for _, r := range s.ranges {
				if seen[r.Partition] == nil {
					seen[r.Partition] = map[int64]bool{}
				}
				for o := r.First; o <= r.Last; o++ {
					if seen[r.Partition][o] {
						t.Fatalf("partition %d offset %d published twice", r.Partition, o)
					}
					seen[r.Partition][o] = true
				}
			}
		}
		n := 0
		for _, m := range seen {
			n += len(m)
		}
		if n != 3000 {
			t.Fatalf("published ranges cover %d offsets, want 3000", n)
		}
	})
}

func TestRunThreadsRejectsGlobal(t *testing.T) {
	rc := RunConfig{Job: "profit", Input: "trades", Factory: func(int32) stream.Processor { return nil }, Global: true, Threads: 2}
	if _, err := Run(context.Background(), Config{}, rc); !errors.Is(err, ErrConfig) {
		t.Fatalf("a global job with 2 threads: got %v, want ErrConfig", err)
	}
}

func TestRunRestartResumesFromSnapshot(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 1000)
		rc := b.runConfig(in, out, group)
		if _, err := Run(runCtx(t), b.cfg, rc); err != nil {
			t.Fatal(err)
		}
		b.produceInput(t, in, 1000, 700)
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn != 700 {
			t.Fatalf("second run processed %d records, want only the 700 new ones", st.RecordsIn)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
		// A third run has nothing to do and stops at once.
		st, err = Run(runCtx(t), b.cfg, rc)
		if err != nil || st.RecordsIn != 0 {
			t.Fatalf("idle run: %+v, %v", st, err)
		}
	})
}

func TestRunGlobalRestart(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 3, in, out)
		b.produceInput(t, in, 0, 600)
		rc := b.runConfig(in, out, group)
		rc.Global = true
		if _, err := Run(runCtx(t), b.cfg, rc); err != nil {
			t.Fatal(err)
		}
		b.produceInput(t, in, 600, 400)
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil || st.RecordsIn != 400 {
			t.Fatalf("second global run: %+v, %v", st, err)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, true))
	})
}

func TestRunForcedAbortsRollBack(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 1500)
		rc := b.runConfig(in, out, group)
		rc.CommitRecords = 100
		rc.forceAbort = func(n int) bool { return n%3 == 0 }
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.Aborts == 0 || st.RecordsIn != 1500 {
			t.Fatalf("stats %+v: want aborts and exactly 1500 committed inputs", st)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
	})
}

func TestRunFollowCommitsOnCancel(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 2, in, out)
		b.produceInput(t, in, 0, 300)
		rc := b.runConfig(in, out, group)
		rc.Follow = true
		ctx, cancel := context.WithCancel(runCtx(t))
		done := make(chan error, 1)
		var st Stats
		go func() {
			var err error
			st, err = Run(ctx, b.cfg, rc)
			done <- err
		}()
		waitFor(t, func() bool { return len(b.output(t, out)) >= 300 })
		b.produceInput(t, in, 300, 200) // arrives while following
		deadline := time.Now().Add(20 * time.Second)
		for len(b.output(t, out)) < 500 && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn != 500 {
			t.Fatalf("follow run committed %d inputs, want 500", st.RecordsIn)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
	})
}

func TestRunTwoRunnersSplitPartitions(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 4000)
		var wg sync.WaitGroup
		stats := make([]Stats, 2)
		errs := make([]error, 2)
		for i := range 2 {
			rc := b.runConfig(in, out, group)
			rc.TransactionalID = group + "-txn-" + string(rune('a'+i))
			rc.CommitRecords = 200
			wg.Add(1)
			go func() {
				defer wg.Done()
				stats[i], errs[i] = Run(runCtx(t), b.cfg, rc)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := stats[0].RecordsIn + stats[1].RecordsIn; n != 4000 {
			t.Fatalf("runners committed %d + %d inputs, want 4000 in all", stats[0].RecordsIn, stats[1].RecordsIn)
		}
		t.Logf("split: %d / %d records, aborts %d / %d", stats[0].RecordsIn, stats[1].RecordsIn, stats[0].Aborts, stats[1].Aborts)
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
	})
}

func TestRunBoundedStopsAtEndOffsets(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		// An empty input: the run stops at once.
		rc := b.runConfig(in, out, group)
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil || st.RecordsIn != 0 {
			t.Fatalf("empty input: %+v, %v", st, err)
		}
		// Records produced while the run goes are left for the next run.
		b.produceInput(t, in, 0, 1000)
		stop := make(chan struct{})
		produced := make(chan int)
		go func() {
			n := 0
			for {
				select {
				case <-stop:
					produced <- n
					return
				default:
				}
				b.produceInput(t, in, 1000+n, 50)
				n += 50
			}
		}()
		st, err = Run(runCtx(t), b.cfg, rc)
		close(stop)
		extra := <-produced
		if err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn < 1000 || st.RecordsIn > int64(1000+extra) {
			t.Fatalf("bounded run processed %d records; want between 1000 and %d", st.RecordsIn, 1000+extra)
		}
		st2, err := Run(runCtx(t), b.cfg, rc)
		if err != nil || st.RecordsIn+st2.RecordsIn != int64(1000+extra) {
			t.Fatalf("second run: %+v, %v; want the remaining %d", st2, err, int64(1000+extra)-st.RecordsIn)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
	})
}

// A snapshot that claims another position than the committed offset fails
// the run with ErrStateMismatch, at once.
func TestRunDetectsStateMismatch(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 2, in, out)
		b.produceInput(t, in, 0, 100)
		rc := b.runConfig(in, out, group)
		if _, err := Run(runCtx(t), b.cfg, rc); err != nil {
			t.Fatal(err)
		}
		// A newer snapshot that claims another position for partition 0.
		cl, err := newClient(b.cfg, kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			t.Fatal(err)
		}
		key := snapshotKey(group, in, 0, false)
		for _, e := range encodeSnapshot(key, snapshot{next: map[int32]int64{0: 99999}, data: nil}) {
			if err := cl.ProduceSync(t.Context(), kgoRecord(rc.StateTopic, 0, e)).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		cl.Close()
		b.produceInput(t, in, 100, 10)
		// A real mismatch outlasts any pending marker, and it is not a
		// transient fault: no restart, however many are allowed.
		logs := &logCount{}
		rc.Restarts, rc.Logger, rc.settleTimeout = 3, logs.logger(), time.Second
		st, err := Run(runCtx(t), b.cfg, rc)
		if !errors.Is(err, ErrStateMismatch) || st.Restarts != 0 || logs.count("run starting") != 1 {
			t.Fatalf("got %v, stats %+v, %d attempts; want ErrStateMismatch after one attempt", err, st, logs.count("run starting"))
		}
	})
}

func TestRunConfigErrors(t *testing.T) {
	cfg := Config{Brokers: []string{"127.0.0.1:1"}}
	for _, rc := range []RunConfig{
		{Input: "x", Factory: newCounter},
		{Job: "j", Factory: newCounter},
		{Job: "j", Input: "x"},
		{Job: "j", Input: "x", Factory: newCounter, StateTopic: "x"},
	} {
		if _, err := Run(context.Background(), cfg, rc); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: got %v, want ErrConfig", rc, err)
		}
	}
	_ = slices.Sort[[]int]
}
