package kafka

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/bourse/bourse/pkg/kafka/kafkatest"
	"github.com/bourse/bourse/pkg/stream"
)

// faultyBroker is an embedded broker whose cluster the test controls.
func faultyBroker(t *testing.T) (*kfake.Cluster, *broker) {
	c := kafkatest.EmbeddedCluster(t, 4)
	return c, &broker{cfg: Config{Brokers: c.ListenAddrs()}}
}

// failProduce makes the broker answer transactional produce requests with
// OUT_OF_ORDER_SEQUENCE_NUMBER on every partition, which franz-go treats
// as fatal for a transactional producer: the nth request (from 1) only,
// or every one from the nth on when always. It returns the count of
// requests failed so far.
func failProduce(c *kfake.Cluster, nth int64, always bool) *atomic.Int64 {
	var seen, failed atomic.Int64
	c.ControlKey(kmsg.Produce.Int16(), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		req := kr.(*kmsg.ProduceRequest)
		if req.TransactionID == nil {
			return nil, nil, false
		}
		if n := seen.Add(1); n < nth {
			return nil, nil, false
		}
		if always {
			c.KeepControl()
		}
		resp := req.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range req.Topics {
			t := kmsg.NewProduceResponseTopic()
			t.Topic, t.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				p := kmsg.NewProduceResponseTopicPartition()
				p.Partition, p.ErrorCode = rp.Partition, kerr.OutOfOrderSequenceNumber.Code
				t.Partitions = append(t.Partitions, p)
			}
			resp.Topics = append(resp.Topics, t)
		}
		failed.Add(1)
		return resp, nil, true
	})
	return &failed
}

// logCount counts the log lines holding a message.
type logCount struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCount) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCount) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), "msg=\""+msg+"\"")
}

func (l *logCount) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// A produce that fails once ends the run with ErrProduce when it may not
// restart, as before; with restarts, a fresh runner takes over in the same
// process and the output is exactly the direct computation's.
func TestRunRestartsAfterProduceFault(t *testing.T) {
	c, b := faultyBroker(t)
	for _, restarts := range []int{0, 3} {
		t.Run(fmt.Sprintf("restarts=%d", restarts), func(t *testing.T) {
			in, out, group := b.names(t)
			b.createTopics(t, 4, in, out)
			b.produceInput(t, in, 0, 2000)
			failed := failProduce(c, 3, false)
			logs := &logCount{}
			rc := b.runConfig(in, out, group)
			rc.Restarts, rc.Logger = restarts, logs.logger()
			st, err := Run(runCtx(t), b.cfg, rc)
			if failed.Load() != 1 {
				t.Fatalf("%d produce requests failed, want 1 injected", failed.Load())
			}
			if restarts == 0 {
				if !errors.Is(err, ErrProduce) || st.Restarts != 0 {
					t.Fatalf("got %v, stats %+v; want ErrProduce and no restart", err, st)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Restarts != 1 || logs.count("run starting") != 2 {
				t.Fatalf("stats %+v, %d attempts; want 1 restart, 2 attempts", st, logs.count("run starting"))
			}
			sameOutput(t, b.output(t, out), b.direct(t, in, false))
		})
	}
}

// A fault that keeps recurring fails the run, with its cause, after
// Restarts restarts in a row.
func TestRunRestartsGiveUp(t *testing.T) {
	c, b := faultyBroker(t)
	in, out, group := b.names(t)
	b.createTopics(t, 4, in, out)
	b.produceInput(t, in, 0, 500)
	failProduce(c, 1, true)
	logs := &logCount{}
	rc := b.runConfig(in, out, group)
	rc.Restarts, rc.Logger, rc.restartBackoff = 2, logs.logger(), 50*time.Millisecond
	st, err := Run(runCtx(t), b.cfg, rc)
	if !errors.Is(err, ErrProduce) || !errors.Is(err, kerr.OutOfOrderSequenceNumber) {
		t.Fatalf("got %v, want ErrProduce caused by OUT_OF_ORDER_SEQUENCE_NUMBER", err)
	}
	if st.Restarts != 2 || st.Commits != 0 || logs.count("run starting") != 3 {
		t.Fatalf("stats %+v, %d attempts; want 2 restarts, 3 attempts, no commit", st, logs.count("run starting"))
	}
}

// With --batch-dir, the failed attempt's buffered rows and staged files
// are gone and the fresh runner recovers the committed ones: the batch
// files hold every output exactly once.
func TestRunRestartBatchFilesExactlyOnce(t *testing.T) {
	c, b := faultyBroker(t)
	in, out, group := b.names(t)
	b.createTopics(t, 4, in, out)
	b.produceInput(t, in, 0, 3000)
	failProduce(c, 4, false)
	dir := t.TempDir()
	rc := b.runConfig(in, out, group)
	rc.CommitRecords = 100
	rc.Restarts = 3
	rc.Batches = []stream.BatchSink{newBatches(t, dir)}
	st, err := Run(runCtx(t), b.cfg, rc)
	if err != nil {
		t.Fatal(err)
	}
	if st.Restarts != 1 {
		t.Fatalf("stats %+v: want 1 restart", st)
	}
	want := b.direct(t, in, false)
	sameOutput(t, b.output(t, out), want)
	sameOutput(t, batchRows(t, dir), want)
	if p := pending(t, dir); len(p) > 0 {
		t.Fatalf("staged files left: %v", p)
	}
}

func TestTransient(t *testing.T) {
	dial := fmt.Errorf("unable to dial: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"produce, out of order", fmt.Errorf("run x: %w: %w", ErrProduce, kerr.OutOfOrderSequenceNumber), true},
		{"produce, fenced", fmt.Errorf("run x: %w: %w", ErrProduce, kerr.ProducerFenced), false},
		{"produce, epoch", fmt.Errorf("run x: %w: %w", ErrProduce, kerr.InvalidProducerEpoch), false},
		{"produce, too large", fmt.Errorf("run x: %w: %w", ErrProduce, kerr.MessageTooLarge), false},
		{"poll, dial", fmt.Errorf("run x: polling in: unable to join group session: %w", dial), true},
		{"poll, EOF", fmt.Errorf("run x: polling in: %w", io.EOF), true},
		{"poll, member timed out", fmt.Errorf("run x: polling in: unable to join group session: %w", kerr.UnknownMemberID), true},
		{"poll, generation moved on", fmt.Errorf("run x: polling in: %w", kerr.IllegalGeneration), true},
		{"coordinator not available", kerr.CoordinatorNotAvailable, true},
		{"not coordinator", kerr.NotCoordinator, true},
		{"request timed out", kerr.RequestTimedOut, true},
		{"client timeout", fmt.Errorf("loading the producer id: %w", context.DeadlineExceeded), true},
		{"txn outcome unknown", &restartMark{errors.New("run x: ending transaction: broker closed")}, true},
		{"txn outcome unknown, fenced", &restartMark{fmt.Errorf("run x: ending transaction: %w", kerr.ProducerFenced)}, false},
		{"static member fenced", fmt.Errorf("polling: %w", kerr.FencedInstanceID), false},
		{"authorization", fmt.Errorf("polling: %w", kerr.TopicAuthorizationFailed), false},
		{"sasl", kerr.SaslAuthenticationFailed, false},
		{"config", fmt.Errorf("%w: no brokers", ErrConfig), false},
		{"state mismatch", fmt.Errorf("run x: %w", ErrStateMismatch), false},
		{"global split", ErrGlobalSplit, false},
		{"incomplete", ErrIncomplete, false},
		{"cancelled", fmt.Errorf("polling: %w", context.Canceled), false},
		{"batch files, with a network error", &permanentMark{errors.Join(dial, &fs.PathError{Op: "write", Err: syscall.ENOSPC})}, false},
		{"batch file", &fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}, false},
		{"processor", errors.New("restoring partition 1: bad snapshot"), false},
	} {
		if got := transient(c.err); got != c.want {
			t.Errorf("%s: transient(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestRestartDelay(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: maxRestartBackoff} {
		if got := restartDelay(time.Second, n); got != want {
			t.Errorf("restart %d: backoff %s, want %s", n, got, want)
		}
	}
}
