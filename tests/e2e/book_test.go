package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// TestBookFeedKillMatch kills `match --batch-dir D --txn-id fixed` with
// SIGKILL while it produces the book feed (5 kills: 3 at random moments
// after the restore, 2 right after the partitions are assigned), reruns it
// until a bounded run exits 0, and checks the feed on the real broker with
// read_committed: per instrument, book seqs 1..N with no gap and no
// duplicate, the updates equal file mode's --book byte for byte, every
// book-snapshots record is file mode's snapshot of that seq (in seq order,
// none twice) and the latest is file mode's last; the archive of D holds
// each update's levels exactly once.
func TestBookFeedKillMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("kill -9 test is long; it runs in make test")
	}
	start := time.Now()
	rng := faultSeed(t)
	e := newEnv(t)
	// A snapshot every 50 updates of an instrument: a few hundred over the
	// flow, so aborted transactions hold some.
	feed := []string{"--book-snapshot-every", "50"}
	f := e.matchFixture(t, 40000, 59, feed...)
	batches := filepath.Join(e.dir, "batches")
	// Transactions of 500 orders (~80 over the flow): small enough that
	// every kill lands in one, few enough that the last run's commits stay
	// short on a loaded machine (~50-250 ms each).
	txns := []string{"--session-timeout", "6s", "--commit-interval", "20ms", "--commit-records", "500"}
	args := append(append([]string{"match", "--quiet", "--batch-dir", batches, "--txn-id", e.prefix + "-match"}, txns...), feed...)
	e.killLoop(t, rng, 5, args)
	// The kills must land in the flow: some orders committed (the feed's
	// seqs must continue across a restart), some left for the last run.
	tp := e.topics()
	g := e.progressOf(t, "match", tp.Orders)
	if kafka.Sum(g.committed) == 0 {
		// Every kill came before the first commit (a few % of seeds):
		// one more, once a commit is seen.
		e.killAfterCommit(t, rng, args)
		g = e.progressOf(t, "match", tp.Orders)
	}
	t.Logf("after the kills: %s", g)
	if kafka.Sum(g.committed) == 0 || g.complete() {
		t.Fatalf("the kills did not land mid-flow: want some but not all orders committed, got %s", g)
	}
	e.finish(t, args, 3, 2*time.Minute)
	e.mustComplete(t, "match", tp.Orders)

	updates := readTopicFrom(t, e.brokers, tp.Out[record.KindBook])
	gapFree(t, updates)
	sameGroups(t, "book updates", updates, groupLines(t, mustRead(t, f.book)))
	sameSnapshots(t, readTopicFrom(t, e.brokers, tp.Out[record.KindBookSnapshot]), groupLines(t, mustRead(t, f.snapshots)))

	readBook := func(p string, fn func(*columnar.BookRow) error) error { return parquet.Read(parquet.BookLayout, p, fn) }
	sameRows(t, "archived book levels", rows(t, readBook, filepath.Join(archive(t, batches), "book"), nil), bookRows(t, f.book))
	t.Logf("took %s", time.Since(start).Round(time.Second))
}

// killAfterCommit starts args and kills it with SIGKILL 0-300 ms after
// its group first committed offsets on the orders topic.
func (e *env) killAfterCommit(t *testing.T, rng *rand.Rand, args []string) {
	t.Helper()
	p := e.start(args, "restored")
	defer p.kill()
	if err := p.await("restored", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for kafka.Sum(e.progressOf(t, args[0], e.topics().Orders).committed) == 0 {
		if time.Now().After(deadline) || !p.alive(50*time.Millisecond) {
			t.Fatalf("%s committed nothing within 60s (or exited: %v):\n%s", args[0], p.err, tail(p.output(), 10))
		}
	}
	wait := time.Duration(rng.IntN(300)) * time.Millisecond
	if !p.alive(wait) {
		t.Fatalf("%s finished (%v) before its kill; make the flow larger:\n%s", args[0], p.err, tail(p.output(), 10))
	}
	p.kill()
	t.Logf("%s: kill -9 %s after its first commit", args[0], wait)
}

// gapFree fails unless each instrument's updates (in offset order) carry
// seq 1, 2, ..., N under the instrument's key.
func gapFree(t *testing.T, updates map[string][]string) {
	t.Helper()
	for key, lines := range updates {
		for i, l := range lines {
			var u record.BookUpdate
			if err := record.DecodeBookUpdate([]byte(l), &u); err != nil {
				t.Fatalf("book %s #%d: %v: %s", key, i, err, l)
			}
			if u.Instrument != key || u.Seq != uint64(i+1) {
				t.Errorf("book %s record #%d: want instrument %s seq %d, got %s seq %d (a gap, a duplicate or a misplaced record)",
					key, i, key, i+1, u.Instrument, u.Seq)
				break
			}
		}
		t.Logf("book %s: seq 1..%d, no gap, no duplicate", key, len(lines))
	}
}

// sameSnapshots fails unless, per instrument, the snapshots read from the
// compacted topic have strictly growing seqs, each is file mode's snapshot
// of that seq byte for byte, and the latest is file mode's last. Compaction
// may have dropped older ones; none may be missing at the end or twice.
func sameSnapshots(t *testing.T, got, want map[string][]string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("book snapshots: file mode wrote none")
	}
	for inst, w := range want {
		bySeq := map[uint64]string{}
		for _, l := range w {
			bySeq[snapshotSeq(t, l)] = l
		}
		g := got[inst]
		if len(g) == 0 {
			t.Errorf("book snapshots %s: none on Kafka, %d in file mode", inst, len(w))
			continue
		}
		prev := uint64(0)
		for i, l := range g {
			s := snapshotSeq(t, l)
			if s <= prev {
				t.Errorf("book snapshots %s #%d: seq %d after seq %d (a duplicate or out of order)", inst, i, s, prev)
				break
			}
			prev = s
			if bySeq[s] != l {
				t.Errorf("book snapshots %s seq %d:\nkafka: %s\nfile:  %s", inst, s, l, bySeq[s])
				break
			}
		}
		if last := g[len(g)-1]; last != w[len(w)-1] {
			t.Errorf("book snapshots %s: the latest is not file mode's last:\nkafka: %s\nfile:  %s", inst, last, w[len(w)-1])
			continue
		}
		t.Logf("book snapshots %s: %d on Kafka (file mode %d), the latest at seq %d equals file mode's last", inst, len(g), len(w), prev)
	}
	for inst := range got {
		if _, ok := want[inst]; !ok {
			t.Errorf("book snapshots %s: %d on Kafka, none in file mode", inst, len(got[inst]))
		}
	}
}

func snapshotSeq(t *testing.T, line string) uint64 {
	t.Helper()
	var s record.BookSnapshot
	if err := record.DecodeBookSnapshot([]byte(line), &s); err != nil {
		t.Fatalf("book snapshot: %v: %s", err, line)
	}
	return s.Seq
}

// bookRows turns a --book file into the book dataset's rows, one "%+v"
// string per changed level, as rows formats the archive's.
func bookRows(t *testing.T, path string) []string {
	t.Helper()
	var out []string
	var rs []columnar.BookRow
	for _, l := range bytes.Split(bytes.TrimSpace(mustRead(t, path)), []byte("\n")) {
		var u record.BookUpdate
		if err := record.DecodeBookUpdate(l, &u); err != nil {
			t.Fatalf("%s: %v: %s", path, err, l)
		}
		rs = columnar.BookRows(rs[:0], &u)
		for i := range rs {
			out = append(out, fmt.Sprintf("%+v", rs[i]))
		}
	}
	return out
}
