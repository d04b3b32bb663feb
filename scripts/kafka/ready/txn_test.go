package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/kafka/kafkatest"
)

// These tests take their broker from kafkatest: the real one of `make
// kafka-up` (BOURSE_KAFKA_BROKERS, which CI sets), or else an embedded one.

func testBrokers(t *testing.T) []string {
	t.Helper()
	return kafkatest.Brokers(t, 1)
}

// uniqueName returns a topic, group or transactional id no other run uses.
func uniqueName(t *testing.T, what string) string {
	return fmt.Sprintf("bourse-%s-%s-%d", strings.ToLower(t.Name()), what, time.Now().UnixNano())
}

// newTopic creates a one-partition topic and deletes it when the test ends.
func newTopic(t *testing.T, ctx context.Context, brokers []string, what string) string {
	t.Helper()
	topic := uniqueName(t, what)
	if err := createTopic(ctx, brokers, topic, 1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := deleteTopic(ctx, brokers, topic); err != nil {
			t.Logf("cleanup: %v", err)
		}
	})
	return topic
}

func newClient(t *testing.T, brokers []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// consumeUntil reads topic from the start with the given isolation level
// until it has read a record whose value is last, and returns every value read.
func consumeUntil(t *testing.T, ctx context.Context, brokers []string, topic string, iso kgo.IsolationLevel, last string) []string {
	t.Helper()
	cl := newClient(t, brokers, kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(iso),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	var got []string
	for !slices.Contains(got, last) {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consume %s: waiting for %q, got %q so far: %v", topic, last, got, err)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s[%d]: %v", topic, p, err) })
		fs.EachRecord(func(r *kgo.Record) { got = append(got, string(r.Value)) })
	}
	return got
}

func produceTxn(t *testing.T, ctx context.Context, cl *kgo.Client, topic string, commit kgo.TransactionEndTry, values ...string) {
	t.Helper()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatalf("begin transaction: %v", err)
	}
	for _, v := range values {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatalf("produce %q in transaction: %v", v, err)
		}
	}
	if err := cl.EndTransaction(ctx, commit); err != nil {
		t.Fatalf("end transaction (commit=%v): %v", commit, err)
	}
}

// TestTransactionsReadCommitted writes a committed, an aborted and another
// committed transaction: read_committed must skip the aborted records, which
// read_uncommitted still sees in the log.
func TestTransactionsReadCommitted(t *testing.T) {
	brokers := testBrokers(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	topic := newTopic(t, ctx, brokers, "txn")

	p := newClient(t, brokers, kgo.TransactionalID(uniqueName(t, "producer")), kgo.ProducerLinger(0))
	produceTxn(t, ctx, p, topic, kgo.TryCommit, "a1", "a2", "a3")
	produceTxn(t, ctx, p, topic, kgo.TryAbort, "b1", "b2")
	produceTxn(t, ctx, p, topic, kgo.TryCommit, "c1")

	if got, want := consumeUntil(t, ctx, brokers, topic, kgo.ReadCommitted(), "c1"), []string{"a1", "a2", "a3", "c1"}; !slices.Equal(got, want) {
		t.Errorf("read_committed: got %q, want %q", got, want)
	}
	if got, want := consumeUntil(t, ctx, brokers, topic, kgo.ReadUncommitted(), "c1"), []string{"a1", "a2", "a3", "b1", "b2", "c1"}; !slices.Equal(got, want) {
		t.Errorf("read_uncommitted: got %q, want %q", got, want)
	}
}

// TestTransactionsConsumeProcessProduce runs the exactly-once loop the
// stream jobs use: a group transact session consumes, produces the processed
// records and commits its input offsets in the same transaction.
func TestTransactionsConsumeProcessProduce(t *testing.T) {
	brokers := testBrokers(t)
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	in := newTopic(t, ctx, brokers, "in")
	out := newTopic(t, ctx, brokers, "out")
	group := uniqueName(t, "group")

	inputs := []string{"one", "two", "three", "four", "five"}
	plain := newClient(t, brokers, kgo.ProducerLinger(0))
	for _, v := range inputs {
		if err := plain.ProduceSync(ctx, &kgo.Record{Topic: in, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatalf("produce input %q: %v", v, err)
		}
	}

	s, err := kgo.NewGroupTransactSession(kgo.SeedBrokers(brokers...),
		kgo.TransactionalID(uniqueName(t, "session")), kgo.ConsumerGroup(group), kgo.ConsumeTopics(in),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	done := 0
	for done < len(inputs) {
		fs := s.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("session: %d of %d records committed: %v", done, len(inputs), err)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s[%d]: %v", topic, p, err) })
		if fs.NumRecords() == 0 {
			continue
		}
		if err := s.Begin(); err != nil {
			t.Fatalf("begin: %v", err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			s.Produce(ctx, &kgo.Record{Topic: out, Value: []byte(strings.ToUpper(string(r.Value)))}, func(_ *kgo.Record, err error) {
				if err != nil {
					t.Errorf("produce output: %v", err)
				}
			})
		})
		committed, err := s.End(ctx, kgo.TryCommit)
		if err != nil {
			t.Fatalf("end transaction: %v", err)
		}
		if committed {
			done += fs.NumRecords()
		}
	}

	want := []string{"ONE", "TWO", "THREE", "FOUR", "FIVE"}
	if got := consumeUntil(t, ctx, brokers, out, kgo.ReadCommitted(), "FIVE"); !slices.Equal(got, want) {
		t.Errorf("output read_committed: got %q, want %q", got, want)
	}
	adm := kadm.NewClient(newClient(t, brokers))
	offs, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatalf("fetch offsets of %s: %v", group, err)
	}
	if o, ok := offs.Lookup(in, 0); !ok || o.At != int64(len(inputs)) {
		t.Errorf("group %s committed offset for %s[0]: got %+v (found %v), want %d", group, in, o.At, ok, len(inputs))
	}
}
