package main

import (
	"strings"
	"testing"
)

// TestTopicsCreateMinInsyncReplicas: --min-insync-replicas outside
// 1..replication factor is a usage error (exit 2) naming the range, before
// any broker is contacted; the help text documents the flag.
func TestTopicsCreateMinInsyncReplicas(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--replication-factor", "3", "--min-insync-replicas", "4"}, "--min-insync-replicas must be 1..3 (the replication factor), got 4"},
		{[]string{"--replication-factor", "3", "--min-insync-replicas", "0"}, "got 0"},
		{[]string{"--min-insync-replicas", "2"}, "must be 1..1 (the replication factor), got 2"},
		{[]string{"--replication-factor", "2", "--min-insync-replicas", "-1"}, "got -1"},
	} {
		args := append([]string{"topics", "create", "--brokers", "127.0.0.1:1"}, c.args...)
		_, stderr, code := bourse(t, args...)
		if code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.msg)
		}
	}
	out, _, code := bourse(t, "topics", "create", "--help")
	if code != 0 || !strings.Contains(out, "--min-insync-replicas") || !strings.Contains(out, "min.insync.replicas") {
		t.Errorf("topics create --help: exit %d, no --min-insync-replicas:\n%s", code, out)
	}
}
