package main

import (
	"context"
	"errors"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseFlagsRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-brokers", " , "}, "empty list"},
		{[]string{"-timeout", "0s"}, "positive duration"},
		{[]string{"-create", "a", "-delete", "b"}, "got both"},
		{[]string{"-create", "a", "-partitions", "0"}, "at least 1"},
		{[]string{"-pid", "-3"}, "process id"},
		{[]string{"stray"}, "unexpected arguments"},
	} {
		_, err := parseFlags(tc.args, io.Discard)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseFlags(%q): got %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	t.Setenv("BOURSE_KAFKA_BROKERS", "h1:1, h2:2")
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.brokers) != 2 || c.brokers[0] != "h1:1" || c.brokers[1] != "h2:2" || c.timeout != 120*time.Second || c.partitions != 1 {
		t.Errorf("defaults: got %+v", c)
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestWaitReadyTimesOutWithReason(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err := waitReady(ctx, []string{closedAddr(t)}, 0)
	if err == nil || !strings.Contains(err.Error(), "not ready after") || !strings.Contains(err.Error(), "list brokers") {
		t.Fatalf("got %v, want a 'not ready after N attempts: list brokers: ...' error", err)
	}
}

func TestWaitReadyFailsFastWhenBrokerProcessExited(t *testing.T) {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := waitReady(ctx, []string{closedAddr(t)}, cmd.Process.Pid)
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
		t.Fatalf("got %v, want a 'broker process exited' error", err)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("took %v: want it to stop at the first check, not wait for the timeout", d)
	}
}
