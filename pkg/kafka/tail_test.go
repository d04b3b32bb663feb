package kafka

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/kafka/kafkatest"
)

// tailCluster returns the broker of kafkatest's rule, with 3 partitions
// when embedded.
func tailCluster(t *testing.T) Config {
	t.Helper()
	return Config{Brokers: kafkatest.Brokers(t, 3)}
}

type tailed struct {
	topic, key, value string
	partition         int32
	offset            int64
}

type collector struct {
	mu  sync.Mutex
	got []tailed
}

func (c *collector) fn(topic string, key, value []byte, p int32, off int64, _ int64) {
	c.mu.Lock()
	c.got = append(c.got, tailed{topic, string(key), string(value), p, off})
	c.mu.Unlock()
}

// await waits up to 20s until done accepts the records delivered so far,
// and returns the first n of them that done names.
func (c *collector) await(t *testing.T, what string, done func(got []tailed) (n int, ok bool)) []tailed {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		if n, ok := done(c.got); ok {
			out := append([]tailed(nil), c.got[:n]...)
			c.mu.Unlock()
			return out
		}
		c.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.Fatalf("tail: got %d records in 20s, want %s", len(c.got), what)
	return nil
}

// waitFor waits for at least n records and returns all delivered.
func (c *collector) waitFor(t *testing.T, n int) []tailed {
	t.Helper()
	return c.await(t, fmt.Sprint(n), func(got []tailed) (int, bool) { return len(got), len(got) >= n })
}

// waitValue waits for a record of value v and returns the records up to it.
func (c *collector) waitValue(t *testing.T, v string) []tailed {
	t.Helper()
	return c.await(t, "one of value "+strconv.Quote(v), func(got []tailed) (int, bool) {
		for i, r := range got {
			if r.value == v {
				return i + 1, true
			}
		}
		return 0, false
	})
}

func uniqueTopic(t *testing.T, name string) string {
	return fmt.Sprintf("tail-%s-%d", name, time.Now().UnixNano())
}

func TestTailReadsAllPartitionsFromStartInOrder(t *testing.T) {
	cfg := tailCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a, b := uniqueTopic(t, "a"), uniqueTopic(t, "b")
	if err := CreateTopics(ctx, cfg, []string{a, b}, 3, -1, nil); err != nil {
		t.Fatal(err)
	}
	p, err := NewProducer(cfg, ProducerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	keys := []string{"TCS", "INFY", "RIL", "ONGC"}
	const n = 200
	for i := 0; i < n; i++ {
		p.Produce(a, []byte(keys[i%4]), []byte(strconv.Itoa(i)))
	}
	p.Produce(b, []byte("TCS"), []byte("b0"))
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var c collector
	tctx, tcancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- Tail(tctx, cfg, []string{a, b}, true, c.fn) }()
	c.waitFor(t, n+1)
	// a record produced after Tail started is also delivered.
	if err := p.ProduceSync(ctx, b, []byte("TCS"), []byte("b1")); err != nil {
		t.Fatal(err)
	}
	got := c.waitFor(t, n+2)
	tcancel()
	if err := <-done; err != nil {
		t.Fatalf("Tail after cancel = %v, want nil", err)
	}
	lastByKey := map[string]int{}
	lastOff := map[string]int64{}
	partOf := map[string]int32{}
	var bs []string
	for _, r := range got {
		if r.topic == b {
			bs = append(bs, r.value)
			continue
		}
		v, _ := strconv.Atoi(r.value)
		if prev, ok := lastByKey[r.key]; ok && v <= prev {
			t.Errorf("key %s: value %d after %d: out of order", r.key, v, prev)
		}
		lastByKey[r.key] = v
		pk := fmt.Sprint(r.partition)
		if off, ok := lastOff[pk]; ok && r.offset <= off {
			t.Errorf("partition %s: offset %d after %d", pk, r.offset, off)
		}
		lastOff[pk] = r.offset
		if pp, ok := partOf[r.key]; ok && pp != r.partition {
			t.Errorf("key %s in partitions %d and %d", r.key, pp, r.partition)
		}
		partOf[r.key] = r.partition
	}
	if len(got) != n+2 || len(bs) != 2 || bs[0] != "b0" || bs[1] != "b1" {
		t.Errorf("got %d records (topic b: %v), want %d with b0, b1", len(got), bs, n+2)
	}
	if len(lastOff) < 2 {
		t.Errorf("records came from %d partitions, want several", len(lastOff))
	}
}

func TestTailSkipsAbortedTransactions(t *testing.T) {
	cfg := tailCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	topic := uniqueTopic(t, "txn")
	if err := CreateTopics(ctx, cfg, []string{topic}, 1, -1, nil); err != nil {
		t.Fatal(err)
	}
	opts, err := cfg.Opts()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(opts, kgo.TransactionalID(topic+"-tx"), kgo.DefaultProduceTopic(topic))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for i, commit := range []bool{true, false, true} {
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 3; j++ {
			if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte(fmt.Sprintf("%d-%d", i, j))}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := cl.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	// a committed marker after them: once it arrives, everything before it
	// in the partition has.
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("end")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	var c collector
	tctx, tcancel := context.WithCancel(ctx)
	defer tcancel()
	go Tail(tctx, cfg, []string{topic}, true, c.fn)
	var vals []string
	for _, r := range c.waitValue(t, "end") {
		vals = append(vals, r.value)
	}
	want := []string{"0-0", "0-1", "0-2", "2-0", "2-1", "2-2", "end"}
	if fmt.Sprint(vals) != fmt.Sprint(want) {
		t.Errorf("read_committed tail = %v, want %v", vals, want)
	}
}

func TestTailFromEndSkipsHistory(t *testing.T) {
	cfg := tailCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	topic := uniqueTopic(t, "end")
	if err := CreateTopics(ctx, cfg, []string{topic}, 1, -1, nil); err != nil {
		t.Fatal(err)
	}
	p, err := NewProducer(cfg, ProducerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.ProduceSync(ctx, topic, nil, []byte("old")); err != nil {
		t.Fatal(err)
	}
	var c collector
	tctx, tcancel := context.WithCancel(ctx)
	defer tcancel()
	go Tail(tctx, cfg, []string{topic}, false, c.fn)
	// keep producing until the tail (which starts at the end) sees a new one.
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		if err := p.ProduceSync(ctx, topic, nil, []byte("new")); err != nil {
			t.Fatal(err)
		}
		c.mu.Lock()
		n := len(c.got)
		c.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.got) == 0 {
		t.Fatal("tail from the end saw nothing new")
	}
	for _, r := range c.got {
		if r.value == "old" {
			t.Errorf("tail from the end delivered a record produced before it started")
		}
	}
}

func TestTailRejectsNoTopics(t *testing.T) {
	err := Tail(context.Background(), Config{Brokers: []string{"127.0.0.1:1"}}, nil, true, func(string, []byte, []byte, int32, int64, int64) {})
	if err == nil {
		t.Fatal("Tail with no topics: want an error")
	}
	err = Tail(context.Background(), Config{}, []string{"x"}, true, func(string, []byte, []byte, int32, int64, int64) {})
	if err == nil {
		t.Fatal("Tail with no brokers: want an error")
	}
}
