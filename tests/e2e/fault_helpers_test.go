package e2e

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// The helpers of the fault tests (faults_test.go, cluster_test.go): a
// watched bourse process, kill loops, the group's committed offsets against
// the end offsets, and the Parquet archive compared row for row.

// proc is a running bourse process whose combined output is kept and
// watched for marks (substrings of a log line).
type proc struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	hit  map[string]bool
	seen map[string]chan struct{}
	done chan struct{}
	err  error
}

// start runs a bourse command with this env's flags; marks are the log
// substrings await can wait for.
func (e *env) start(args []string, marks ...string) *proc {
	e.t.Helper()
	cmd := e.command(context.Background(), args...)
	p := &proc{name: args[0], cmd: cmd, hit: map[string]bool{}, seen: map[string]chan struct{}{}, done: make(chan struct{})}
	for _, m := range marks {
		p.seen[m] = make(chan struct{})
	}
	r, w, err := os.Pipe()
	if err != nil {
		e.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	w.Close()
	read := make(chan struct{})
	go func() {
		defer close(read)
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			l := sc.Text()
			p.mu.Lock()
			p.out.WriteString(l + "\n")
			for m, ch := range p.seen {
				if !p.hit[m] && strings.Contains(l, m) {
					p.hit[m] = true
					close(ch)
				}
			}
			p.mu.Unlock()
		}
	}()
	go func() {
		err := cmd.Wait()
		<-read
		p.err = err
		close(p.done)
	}()
	return p
}

// output is what the process printed so far.
func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// await waits until the process printed mark; it fails if the process
// exits first or d passes.
func (p *proc) await(mark string, d time.Duration) error {
	select {
	case <-p.seen[mark]:
		return nil
	case <-p.done:
		return fmt.Errorf("%s exited (%v) before logging %q:\n%s", p.name, p.err, mark, tail(p.output(), 15))
	case <-time.After(d):
		return fmt.Errorf("%s did not log %q within %s:\n%s", p.name, mark, d, tail(p.output(), 15))
	}
}

// alive waits d and reports whether the process still runs then.
func (p *proc) alive(d time.Duration) bool {
	select {
	case <-p.done:
		return false
	case <-time.After(d):
		return true
	}
}

// kill sends SIGKILL and waits for the process to go.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// wait waits up to d for the process to exit and returns its exit code;
// after d it kills the process and returns an error.
func (p *proc) wait(d time.Duration) (int, error) {
	select {
	case <-p.done:
	case <-time.After(d):
		p.kill()
		return -1, fmt.Errorf("%s still running after %s (killed):\n%s", p.name, d, tail(p.output(), 60))
	}
	if p.err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode(), nil
	}
	return -1, p.err
}

// flagSupported reports whether `bourse <job> --help` lists flag: the
// tests pass the flags of issue 9 (--finish-timeout) only to a build that
// has them, and log when it does not.
func flagSupported(t *testing.T, job, flag string) bool {
	t.Helper()
	out, err := exec.Command(bin, job, "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("bourse %s --help: %v\n%s", job, err, out)
	}
	ok := strings.Contains(string(out), flag+" ")
	if !ok {
		t.Logf("NOTE: bourse %s has no %s in this build (issue 9's stop rule not merged): running without it", job, flag)
	}
	return ok
}

// smallTxns are runner flags that make many short transactions, so that
// a kill or a fault lands inside one.
var smallTxns = []string{"--session-timeout", "6s", "--commit-interval", "20ms", "--commit-records", "100"}

// killLoop starts args and kills it with SIGKILL kills times: every third
// time 0-30 ms after its partitions are assigned (before or during the
// restore), the others 50-700 ms after it restored them. A run that
// finishes before its kill fails the test: the flow must be large enough.
func (e *env) killLoop(t *testing.T, rng *rand.Rand, kills int, args []string) {
	t.Helper()
	for i := 0; i < kills; i++ {
		started := time.Now()
		p := e.start(args, "partitions assigned", "restored")
		mark, wait := "restored", time.Duration(50+rng.IntN(650))*time.Millisecond
		if i%3 == 0 {
			mark, wait = "partitions assigned", time.Duration(rng.IntN(30))*time.Millisecond
		}
		if err := p.await(mark, 90*time.Second); err != nil {
			p.kill()
			t.Fatal(err)
		}
		reached := time.Since(started)
		if !p.alive(wait) {
			t.Fatalf("%s finished (%v) before kill %d; make the flow larger:\n%s", args[0], p.err, i+1, tail(p.output(), 10))
		}
		p.kill()
		t.Logf("%s: kill -9 #%d %s after %q (logged %s after the start)", args[0], i+1, wait, mark, reached.Round(time.Millisecond))
	}
}

// finish reruns args, as Airflow's retries would, until a run exits 0 (at
// most tries runs, each bounded by d), and returns that run's output.
func (e *env) finish(t *testing.T, args []string, tries int, d time.Duration) string {
	t.Helper()
	for i := 1; i <= tries; i++ {
		start := time.Now()
		p := e.start(args)
		code, err := p.wait(d)
		if err != nil {
			t.Fatal(err)
		}
		if code == 0 {
			t.Logf("%s run %d exited 0 in %s: %s", args[0], i, time.Since(start).Round(time.Millisecond), tail(p.output(), 1))
			return p.output()
		}
		t.Logf("%s run %d exited %d in %s:\n%s", args[0], i, code, time.Since(start).Round(time.Millisecond), tail(p.output(), 4))
	}
	t.Fatalf("%s: no run out of %d exited 0", args[0], tries)
	return ""
}

// progress is the group's committed offsets on a topic beside the topic's
// end offsets.
type progress struct {
	committed, end map[int32]int64
}

// complete reports whether the group committed the end offset of every
// partition (an absent commit counts as offset 0).
func (g progress) complete() bool {
	for p, end := range g.end {
		if g.committed[p] != end {
			return false
		}
	}
	return true
}

// unfinished lists the partitions whose commit is short of their end.
func (g progress) unfinished() []int32 {
	var out []int32
	for p, end := range g.end {
		if g.committed[p] != end {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (g progress) String() string {
	parts := make([]int32, 0, len(g.end))
	for p := range g.end {
		parts = append(parts, p)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
	var b strings.Builder
	for _, p := range parts {
		fmt.Fprintf(&b, " p%d:%d/%d", p, g.committed[p], g.end[p])
	}
	return fmt.Sprintf("committed %d of %d:%s", kafka.Sum(g.committed), kafka.Sum(g.end), b.String())
}

// progressOf reads job's group offsets on topic and the topic's end offsets.
func (e *env) progressOf(t *testing.T, job, topic string) progress {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	o, err := kafka.NewOffsets(kafka.Config{Brokers: e.brokers})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	// Right after an outage the broker may still be electing leaders
	// (LEADER_NOT_AVAILABLE): ask again until it answers.
	for {
		end, err := o.End(ctx, topic)
		if err == nil {
			var committed map[int32]int64
			if committed, err = o.Group(ctx, e.prefix+"-"+job, topic); err == nil {
				return progress{committed: committed, end: end}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("offsets of %s: %v", topic, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// mustComplete fails the test unless job's group committed every
// partition of topic to its end.
func (e *env) mustComplete(t *testing.T, job, topic string) {
	t.Helper()
	g := e.progressOf(t, job, topic)
	if !g.complete() {
		t.Errorf("%s: the group did not commit every partition of %s to its end: unfinished %v (%s)", job, topic, g.unfinished(), g)
	} else {
		t.Logf("%s: group offsets on %s: %s", job, topic, g)
	}
}

// archive runs `bourse archive` on a batch directory into a new directory
// and returns it.
func archive(t *testing.T, batches string) string {
	t.Helper()
	out, err := os.MkdirTemp(filepath.Dir(batches), "archive-")
	if err != nil {
		t.Fatal(err)
	}
	file(t, "archive", "--batch-dir", batches, "--archive-dir", out)
	return out
}

// rows reads an archived dataset back with the project's Parquet reader,
// one "%+v" string per row; a dataset with no directory has no rows.
func rows[T any](t *testing.T, read func(string, func(*T) error) error, dir string, keep func(*T) bool) []string {
	t.Helper()
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var out []string
	err := read(dir, func(v *T) error {
		if keep == nil || keep(v) {
			out = append(out, fmt.Sprintf("%+v", *v))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	return out
}

// sameRows fails unless got and want hold the same rows the same number of
// times, and says how many are missing and how many are extra.
func sameRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(want) == 0 {
		t.Errorf("%s: nothing to compare", what)
		return
	}
	n := map[string]int{}
	for _, r := range want {
		n[r]++
	}
	for _, r := range got {
		n[r]--
	}
	var missing, extra int
	var exMissing, exExtra []string
	for r, c := range n {
		switch {
		case c > 0:
			missing += c
			if len(exMissing) < 2 {
				exMissing = append(exMissing, r)
			}
		case c < 0:
			extra -= c
			if len(exExtra) < 2 {
				exExtra = append(exExtra, r)
			}
		}
	}
	if missing+extra > 0 {
		t.Errorf("%s: archive has %d rows, file mode %d: %d missing, %d extra (duplicates)\nmissing e.g. %v\nextra e.g. %v",
			what, len(got), len(want), missing, extra, exMissing, exExtra)
		return
	}
	t.Logf("%s: archive holds the %d file-mode rows exactly once", what, len(want))
}

// sameArchive compares the trades and events of two archives (the Kafka
// run's and file mode's).
func sameMatchArchive(t *testing.T, got, want string) {
	t.Helper()
	sameRows(t, "archived trades", rows(t, parquet.ReadTrades, filepath.Join(got, "trades"), nil),
		rows(t, parquet.ReadTrades, filepath.Join(want, "trades"), nil))
	sameRows(t, "archived execution reports", rows(t, parquet.ReadEvents, filepath.Join(got, "events"), nil),
		rows(t, parquet.ReadEvents, filepath.Join(want, "events"), nil))
}

// batchFiles counts the visible batch files under dir and their bytes,
// and the hidden ones (names starting with "."), for the logs.
func batchFiles(t *testing.T, dir string) (visible, hidden int, bytes int64) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			hidden++
		} else {
			visible++
		}
		if fi, err := d.Info(); err == nil {
			bytes += fi.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return visible, hidden, bytes
}

// matchFixture is a seeded order flow on this env's orders topic and its
// file-mode results: trades, events and the book feed as JSON Lines, and
// the batches as an archive.
type matchFixture struct {
	orders, trades, events string // JSON Lines files
	book, snapshots        string // the book feed: updates and snapshots
	archive                string // file mode's batches, archived
}

// matchFixture runs file-mode match with the feed flags in feed (pass the
// Kafka run the same ones, e.g. --book-snapshot-every).
func (e *env) matchFixture(t *testing.T, count, seed int, feed ...string) matchFixture {
	t.Helper()
	flow := []string{"--count", fmt.Sprint(count), "--seed", fmt.Sprint(seed), "--step-ms", "30", "--quiet"}
	f := matchFixture{
		orders:    filepath.Join(e.dir, "orders.jsonl"),
		trades:    filepath.Join(e.dir, "trades.jsonl"),
		events:    filepath.Join(e.dir, "events.jsonl"),
		book:      filepath.Join(e.dir, "book.jsonl"),
		snapshots: filepath.Join(e.dir, "book-snapshots.jsonl"),
	}
	file(t, append([]string{"produce", "--out", f.orders}, flow...)...)
	fileBatches := filepath.Join(e.dir, "file-batches")
	file(t, append([]string{"match", "--quiet", "--in", f.orders, "--out", f.trades, "--events", f.events,
		"--book", f.book, "--book-snapshots", f.snapshots, "--batch-dir", fileBatches}, feed...)...)
	f.archive = archive(t, fileBatches)
	e.bourse(60*time.Second, append([]string{"produce"}, flow...)...)
	return f
}

// checkMatch checks a finished match: the group committed every orders
// partition to its end, the topics equal file mode, and the archive of
// batches holds every file-mode trade and event exactly once.
func (e *env) checkMatch(t *testing.T, f matchFixture, batches string) {
	t.Helper()
	tp := e.topics()
	e.mustComplete(t, "match", tp.Orders)
	sameGroups(t, "trades", readTopicFrom(t, e.brokers, tp.Out[record.KindTrade]), groupLines(t, mustRead(t, f.trades)))
	sameGroups(t, "execution reports", readTopicFrom(t, e.brokers, tp.Out[record.KindEvent]), groupLines(t, mustRead(t, f.events)))
	if batches == "" {
		return
	}
	v, h, b := batchFiles(t, batches)
	t.Logf("batch dir: %d visible files, %d hidden, %d bytes", v, h, b)
	sameMatchArchive(t, archive(t, batches), f.archive)
}

// newest is each instrument's newest trade time in a trades file.
func newest(t *testing.T, trades string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for inst, lines := range groupLines(t, mustRead(t, trades)) {
		var tr record.Trade
		if err := record.DecodeTrade([]byte(lines[len(lines)-1]), &tr); err != nil {
			t.Fatal(err)
		}
		out[inst] = tr.Time
	}
	return out
}
