package e2e

import (
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// TestTwoMatchProcessesSplitPartitions: two match processes in one consumer
// group (--follow) share the partitions; the union of their trades equals
// the single-process (file mode) result.
func TestTwoMatchProcessesSplitPartitions(t *testing.T) {
	e := newEnv(t)
	tp := e.topics()
	seed := []string{"--count", "20000", "--seed", "41", "--quiet"}
	orders := filepath.Join(e.dir, "orders.jsonl")
	file(t, append([]string{"produce", "--out", orders}, seed...)...)
	trades := filepath.Join(e.dir, "trades.jsonl")
	file(t, "match", "--quiet", "--in", orders, "--out", trades)
	want := groupLines(t, mustRead(t, trades))
	e.bourse(60*time.Second, append([]string{"produce"}, seed...)...)

	var procs [2]*proc
	for i := range procs {
		procs[i] = e.start([]string{"match", "--quiet", "--follow", "--txn-id", e.prefix + "-match-" + string(rune('a'+i)), "--session-timeout", "6s"})
		defer procs[i].kill()
	}
	// Once the group has committed the end of every orders partition, the
	// trades of those transactions are committed too: a duplicate would be
	// in the topic now.
	deadline := time.Now().Add(2 * time.Minute)
	for g := e.progressOf(t, "match", tp.Orders); !g.complete(); g = e.progressOf(t, "match", tp.Orders) {
		if time.Now().After(deadline) {
			t.Fatalf("the group did not commit every orders partition in 2m: %s", g)
		}
		time.Sleep(time.Second)
	}
	for _, p := range procs {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
	}
	for i, p := range procs {
		if code, err := p.wait(time.Minute); err != nil || code != 0 {
			t.Errorf("match %d did not exit cleanly on SIGTERM: exit %d, %v\n%s", i, code, err, tail(p.output(), 12))
		}
	}
	sameGroups(t, "union of two processes' trades", readTopic(t, tp.Out[record.KindTrade]), want)
	assigned := regexp.MustCompile(`partitions assigned.*partitions="\[([0-9 ]+)\]"`)
	for i, p := range procs {
		m := assigned.FindAllStringSubmatch(p.output(), -1)
		if len(m) == 0 {
			t.Errorf("process %d was never assigned partitions:\n%s", i, tail(p.output(), 10))
			continue
		}
		t.Logf("process %d last assignment: [%s]", i, m[len(m)-1][1])
	}
}
