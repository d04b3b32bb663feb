package kafka

import (
	"context"
	"testing"
	"time"
)

// Offsets follows a follow-mode run: the group's assignment, its committed
// offsets reaching the input's end offsets, and the output's end offsets
// counting transaction markers as well as records.
func TestOffsetsTrackAFollowRun(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 3, in, out)
		off, err := NewOffsets(b.cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer off.Close()
		ctx := runCtx(t)
		if _, err := off.End(ctx, "no-such-topic-"+group); err == nil {
			t.Fatal("End of a missing topic: want an error")
		}
		if g, err := off.Group(ctx, group, in); err != nil || len(g) != 0 {
			t.Fatalf("fresh group offsets %v, %v: want none", g, err)
		}

		rc := b.runConfig(in, out, group)
		rc.Follow = true
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { _, err := Run(rctx, b.cfg, rc); done <- err }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		waitFor(t, func() bool {
			n, err := off.Assigned(ctx, group, in)
			if err != nil {
				t.Fatal(err)
			}
			return n == 3
		})

		b.produceInput(t, in, 0, 300)
		end, err := off.End(ctx, in)
		if err != nil || len(end) != 3 || Sum(end) != 300 {
			t.Fatalf("end offsets of %s: %v, %v: want 3 partitions summing to 300", in, end, err)
		}
		if n, err := EndOffsets(ctx, b.cfg, in); err != nil || Sum(n) != 300 {
			t.Fatalf("EndOffsets: %v, %v: want 300", n, err)
		}
		waitFor(t, func() bool {
			g, err := off.Group(ctx, group, in)
			if err != nil {
				t.Fatal(err)
			}
			for p, e := range end {
				if g[p] != e {
					return false
				}
			}
			return true
		})
		// One SMA per input, plus the transactions' commit markers. The
		// coordinator writes the markers to the output partitions after the
		// offsets commit is visible, so wait for them.
		waitFor(t, func() bool {
			outEnd, err := off.End(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			return Sum(outEnd) > 300
		})
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
