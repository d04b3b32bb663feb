package kafka

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// batchRows reads every visible batch file under dir with no
// de-duplication at all, so a row written twice shows twice. It fails the
// test on a row whose _src_offset is not the input offset that produced it
// (the counter stores that offset in WindowEnd).
func batchRows(t *testing.T, dir string) []string {
	t.Helper()
	files, err := columnar.ListFiles(dir, columnar.BatchExt)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	var rows []string
	for _, f := range files {
		err := columnar.ReadSelection(columnar.SMACodec, columnar.Selection{Path: f, After: math.MinInt64}, func(s *record.SMA, off int64) error {
			if off != s.WindowEnd {
				t.Fatalf("%s: row of input offset %d carries _src_offset %d", f, s.WindowEnd, off)
			}
			rows = append(rows, string(record.AppendSMAJSON(nil, s)))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(rows)
	return rows
}

// pending lists the staged (unpublished) batch files under dir.
func pending(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".pending") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func newBatches(t *testing.T, dir string) *columnar.BatchWriter {
	t.Helper()
	w, err := columnar.NewBatchWriter(dir, columnar.SMAs)
	if err != nil {
		t.Fatal(err)
	}
	w.SetPrefix("test.")
	t.Cleanup(func() { w.Close() })
	return w
}

// Every third transaction aborts after its batch files were staged: the
// redo cuts its ranges at other offsets, yet the batch directory holds
// each output exactly once, every row with its own input offset, and no
// staged file of an aborted transaction survives.
func TestRunBatchFilesExactlyOnceUnderAborts(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 3000)
		dir := t.TempDir()
		rc := b.runConfig(in, out, group)
		rc.CommitRecords = 100
		rc.Batches = []stream.BatchSink{newBatches(t, dir)}
		rc.forceAbort = func(n int) bool { return n%3 == 0 }
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.Aborts == 0 {
			t.Fatalf("stats %+v: want aborted transactions", st)
		}
		want := b.direct(t, in, false)
		sameOutput(t, b.output(t, out), want)
		sameOutput(t, batchRows(t, dir), want)
		if p := pending(t, dir); len(p) > 0 {
			t.Fatalf("staged files of aborted transactions left: %v", p)
		}
	})
}

// failingPublish fails the first Publish, as a crash right after the
// commit would leave things: committed in Kafka, files still staged.
type failingPublish struct {
	*columnar.BatchWriter
	failed bool
}

func (f *failingPublish) Publish(files []string) error {
	if !f.failed && len(files) > 0 {
		f.failed = true
		return errors.New("injected: publish failed")
	}
	return f.BatchWriter.Publish(files)
}

// A run that committed but could not publish its files fails; the next
// run publishes them from its snapshot and deletes a stale staged file of
// a transaction that never committed.
func TestRunRecoversStagedBatchFiles(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 2, in, out)
		b.produceInput(t, in, 0, 1000)
		dir := t.TempDir()
		rc := b.runConfig(in, out, group)
		rc.CommitRecords = 100
		rc.Batches = []stream.BatchSink{&failingPublish{BatchWriter: newBatches(t, dir)}}
		if _, err := Run(runCtx(t), b.cfg, rc); err == nil || !strings.Contains(err.Error(), "injected") {
			t.Fatalf("first run: got %v, want the injected publish failure", err)
		}
		if len(pending(t, dir)) == 0 {
			t.Fatal("no staged files left by the failed publish")
		}
		stale := filepath.Join(dir, "sma", "dt=1970-01-01", ".test."+stream.Range{Source: in, Partition: 1, First: 5, Last: 9}.String()+".arrow.dead-1.pending")
		if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(stale, []byte("aborted"), 0o644); err != nil {
			t.Fatal(err)
		}
		rc.Batches = []stream.BatchSink{newBatches(t, dir)}
		if _, err := Run(runCtx(t), b.cfg, rc); err != nil {
			t.Fatal(err)
		}
		want := b.direct(t, in, false)
		sameOutput(t, b.output(t, out), want)
		sameOutput(t, batchRows(t, dir), want)
		if p := pending(t, dir); len(p) > 0 {
			t.Fatalf("staged files left after recovery: %v", p)
		}
	})
}

// A bounded run whose own partitions are done does not exit 0 while
// another member of the group holds partitions it never commits: it fails
// with ErrIncomplete naming them. Once that member is gone, a run
// finishes the input.
func TestRunBoundedWaitsForTheWholeGroup(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 800)
		assigned := make(chan struct{}, 16)
		idle, err := newClient(b.cfg, kgo.ConsumerGroup(group), kgo.ConsumeTopics(in), kgo.DisableAutoCommit(),
			kgo.SessionTimeout(6*time.Second),
			kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) { assigned <- struct{}{} }))
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		pctx, stopPolling := context.WithCancel(t.Context())
		defer stopPolling()
		go func() {
			for pctx.Err() == nil {
				idle.PollFetches(pctx)
			}
		}()
		select {
		case <-assigned:
		case <-time.After(30 * time.Second):
			t.Fatal("the idle member was never assigned partitions")
		}
		rc := b.runConfig(in, out, group)
		rc.FinishTimeout = 3 * time.Second
		_, err = Run(runCtx(t), b.cfg, rc)
		if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "not owned here") {
			t.Fatalf("got %v, want ErrIncomplete naming partitions of another member", err)
		}
		stopPolling()
		idle.Close()
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn == 0 {
			t.Fatalf("second run: %+v, want the idle member's partitions processed", st)
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
	})
}
