package kafka

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// The crash helper: when BOURSE_TEST_CRASH_HELPER is set, this test binary
// runs the runner in Follow mode with a processor that, on the 300th
// record, writes a marker file and then hangs inside the open transaction,
// waiting for the parent's kill -9 (which waits first for the transaction's
// outputs to reach the broker).
func TestMain(m *testing.M) {
	if os.Getenv("BOURSE_TEST_CRASH_HELPER") == "1" {
		crashHelper()
		return
	}
	os.Exit(m.Run())
}

type hangAt struct {
	stream.Processor
	n      *int
	marker string
}

func (h hangAt) Process(rec *stream.Record, out record.Emitter) {
	h.Processor.Process(rec, out)
	*h.n++
	if *h.n == 300 {
		_ = os.WriteFile(h.marker, []byte("in transaction"), 0o644)
		select {}
	}
}

func crashHelper() {
	env := os.Getenv
	cfg := Config{Brokers: SplitBrokers(env("BOURSE_TEST_BROKERS"))}
	n := 0
	b := &broker{cfg: cfg}
	rc := b.runConfig(env("BOURSE_TEST_IN"), env("BOURSE_TEST_OUT"), env("BOURSE_TEST_GROUP"))
	rc.Follow = true
	rc.CommitRecords = 100
	if env("BOURSE_TEST_TXN_ID") != "" {
		rc.TransactionalID = env("BOURSE_TEST_TXN_ID")
		rc.TransactionTimeout = 2 * time.Second
	}
	rc.Factory = func(p int32) stream.Processor {
		return hangAt{Processor: newCounter(p), n: &n, marker: env("BOURSE_TEST_MARKER")}
	}
	_, err := Run(context.Background(), cfg, rc)
	if err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(1)
	}
	os.Exit(0)
}

func TestRunKilledMidTransaction(t *testing.T) {
	forEachBroker(t, func(t *testing.T, b *broker) {
		in, out, group := b.names(t)
		b.createTopics(t, 4, in, out)
		b.produceInput(t, in, 0, 1000)
		marker := filepath.Join(t.TempDir(), "marker")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "BOURSE_TEST_CRASH_HELPER=1",
			"BOURSE_TEST_BROKERS="+strings.Join(b.cfg.Brokers, ","),
			"BOURSE_TEST_IN="+in, "BOURSE_TEST_OUT="+out, "BOURSE_TEST_GROUP="+group,
			"BOURSE_TEST_MARKER="+marker)
		if !b.real {
			// kfake (this version) does not abort an open transaction
			// when its transactional id is re-initialised (Kafka does):
			// the restart would adopt the dead transaction. On kfake the
			// helper uses its own id and a short transaction timeout,
			// which aborts the dead transaction instead.
			cmd.Env = append(cmd.Env, "BOURSE_TEST_TXN_ID="+group+"-dead")
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			if _, err := os.Stat(marker); err == nil {
				break
			}
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("helper never reached its transaction; stderr:\n%s", stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
		// the open transaction's outputs are on the broker
		waitFor(t, func() bool { return b.pending(t, out) > 0 })
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if !b.real {
			waitFor(t, func() bool { return b.pending(t, out) == 0 }) // the dead transaction timed out and was aborted
		}
		partial := b.output(t, out)
		t.Logf("committed before the kill: %d outputs", len(partial))
		// The restarted runner (same transactional id) fences the dead
		// transaction and finishes with exactly the direct run's output.
		rc := b.runConfig(in, out, group)
		st, err := Run(runCtx(t), b.cfg, rc)
		if err != nil {
			t.Fatal(err)
		}
		if st.RecordsIn+int64(len(partial)) != 1000 {
			t.Fatalf("restart processed %d records after %d committed; want 1000 in all", st.RecordsIn, len(partial))
		}
		sameOutput(t, b.output(t, out), b.direct(t, in, false))
	})
}
