package e2e

import (
	"bytes"
	"context"
	"os"
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

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var logs [2]bytes.Buffer
	var procs [2]*os.Process
	for i := range procs {
		cmd := e.command(ctx, "match", "--quiet", "--follow", "--txn-id", e.prefix+"-match-"+string(rune('a'+i)), "--session-timeout", "6s")
		cmd.Stdout, cmd.Stderr = &logs[i], &logs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = cmd.Process
		defer cmd.Wait()
	}
	deadline := time.Now().Add(2 * time.Minute)
	for count(readTopic(t, tp.Out[record.KindTrade])) < count(want) && time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}
	time.Sleep(2 * time.Second) // anything extra (a duplicate) would show now
	for _, p := range procs {
		_ = p.Signal(syscall.SIGTERM)
	}
	for _, p := range procs {
		st, err := p.Wait()
		if err != nil || !st.Success() {
			t.Errorf("match did not exit cleanly on SIGTERM: %v %v", st, err)
			for i := range logs {
				t.Logf("process %d:\n%s", i, tail(logs[i].String(), 12))
			}
		}
	}
	sameGroups(t, "union of two processes' trades", readTopic(t, tp.Out[record.KindTrade]), want)
	assigned := regexp.MustCompile(`partitions assigned.*partitions="\[([0-9 ]+)\]"`)
	for i := range logs {
		m := assigned.FindAllStringSubmatch(logs[i].String(), -1)
		if len(m) == 0 {
			t.Errorf("process %d was never assigned partitions:\n%s", i, tail(logs[i].String(), 10))
			continue
		}
		t.Logf("process %d last assignment: [%s]", i, m[len(m)-1][1])
	}
}
