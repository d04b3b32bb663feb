package kafka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// The suite runs every broker test against kfake, and also against a real
// Kafka when BOURSE_KAFKA_BROKERS is set (or BOURSE_REQUIRE_KAFKA=1, which
// defaults the brokers to 127.0.0.1:9092 and turns an unreachable broker
// into a failure instead of a skip).
func forEachBroker(t *testing.T, fn func(t *testing.T, b *broker)) {
	t.Run("kfake", func(t *testing.T) {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(4))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		fn(t, &broker{cfg: Config{Brokers: c.ListenAddrs()}, real: false})
	})
	addrs := os.Getenv(EnvBrokers)
	require := os.Getenv("BOURSE_REQUIRE_KAFKA") == "1"
	if addrs == "" && !require {
		return
	}
	if addrs == "" {
		addrs = "127.0.0.1:9092"
	}
	t.Run("kafka", func(t *testing.T) {
		cfg := FromEnv(Config{Brokers: SplitBrokers(addrs)}, os.Getenv)
		if err := ping(cfg); err != nil {
			if require {
				t.Fatalf("BOURSE_REQUIRE_KAFKA=1 but broker %s unreachable: %v", addrs, err)
			}
			t.Skipf("broker %s unreachable: %v", addrs, err)
		}
		fn(t, &broker{cfg: cfg, real: true})
	})
}

type broker struct {
	cfg  Config
	real bool
}

func ping(cfg Config) error {
	cl, err := newClient(cfg)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = kadm.NewClient(cl).BrokerMetadata(ctx)
	return err
}

// names gives per-test unique topic and group names (the real broker is
// shared between runs).
func (b *broker) names(t *testing.T) (input, output, group string) {
	var r [4]byte
	_, _ = rand.Read(r[:])
	s := hex.EncodeToString(r[:])
	return "in-" + s, "out-" + s, "g-" + s
}

func (b *broker) createTopics(t *testing.T, parts int32, names ...string) {
	t.Helper()
	if err := CreateTopics(t.Context(), b.cfg, names, parts, 1, nil); err != nil {
		t.Fatal(err)
	}
}

// produceInput writes n records keyed K0..K9 with values 0..n-1.
func (b *broker) produceInput(t *testing.T, topic string, from, n int) {
	t.Helper()
	p, err := NewProducer(b.cfg, ProducerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := from; i < from+n; i++ {
		p.Produce(topic, []byte("K"+strconv.Itoa(i%10)), []byte(strconv.Itoa(i)))
	}
	if err := p.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if p.Acked() != int64(n) {
		t.Fatalf("acked %d of %d", p.Acked(), n)
	}
}

// counter is the test Processor: per key, a running count and sum of the
// integer values, emitted as an SMA record per input (so any restore error,
// duplicate or gap changes the output). Non-integers become rejects.
type counter struct {
	count, sum map[string]int64
}

func newCounter(int32) stream.Processor {
	return &counter{count: map[string]int64{}, sum: map[string]int64{}}
}

func (c *counter) Process(rec *stream.Record, out record.Emitter) {
	v, err := strconv.ParseInt(string(rec.Value), 10, 64)
	if err != nil {
		out.Emit(&record.Reject{Source: fmt.Sprintf("%s/%d@%d", rec.Source, rec.Partition, rec.Offset), Reason: "BAD", Raw: string(rec.Value)})
		return
	}
	k := string(rec.Key)
	c.count[k]++
	c.sum[k] += v
	out.Emit(&record.SMA{Instrument: k, WindowStart: v, WindowEnd: rec.Offset, SMA: record.Fixed(c.sum[k]), Bars: c.count[k]})
}

func (c *counter) Flush(record.Emitter) {}
func (c *counter) End(record.Emitter)   {}

func (c *counter) Snapshot(b []byte) []byte {
	keys := make([]string, 0, len(c.count))
	for k := range c.count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b = fmt.Appendf(b, "%s %d %d\n", k, c.count[k], c.sum[k])
	}
	return b
}

func (c *counter) Restore(s []byte) error {
	c.count, c.sum = map[string]int64{}, map[string]int64{}
	for _, line := range strings.Split(strings.TrimSpace(string(s)), "\n") {
		if line == "" {
			continue
		}
		var k string
		var n, sum int64
		if _, err := fmt.Sscanf(line, "%s %d %d", &k, &n, &sum); err != nil {
			return fmt.Errorf("counter snapshot line %q: %w", line, err)
		}
		c.count[k], c.sum[k] = n, sum
	}
	return nil
}

// collectSMA gathers SMA outputs as JSON strings.
type collectSMA struct {
	out []string
}

func (c *collectSMA) Emit(r record.Record) {
	if s, ok := r.(*record.SMA); ok {
		c.out = append(c.out, string(record.AppendSMAJSON(nil, s)))
	}
}

// direct runs the counter over the committed input, partition by
// partition (Global: one counter for all), the reference output.
func (b *broker) direct(t *testing.T, input string, global bool) []string {
	t.Helper()
	byPart := map[int32][]*kgo.Record{}
	if err := ReadAll(t.Context(), b.cfg, input, func(r *kgo.Record) { byPart[r.Partition] = append(byPart[r.Partition], r) }); err != nil {
		t.Fatal(err)
	}
	c := &collectSMA{}
	g := newCounter(-1)
	for p, rs := range byPart {
		proc := newCounter(p)
		if global {
			proc = g
		}
		for _, r := range rs {
			proc.Process(&stream.Record{Key: r.Key, Value: r.Value, Source: r.Topic, Partition: p, Offset: r.Offset}, c)
		}
	}
	slices.Sort(c.out)
	return c.out
}

func (b *broker) output(t *testing.T, topic string) []string {
	t.Helper()
	var out []string
	if err := ReadAll(t.Context(), b.cfg, topic, func(r *kgo.Record) { out = append(out, string(r.Value)) }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func sameOutput(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d output records, want %d (duplicates or gaps)", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("output %d differs:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

func (b *broker) runConfig(input, output, group string) RunConfig {
	return RunConfig{
		Job:             "test",
		Group:           group,
		Input:           input,
		StateTopic:      "bourse-" + group + "-state",
		Factory:         newCounter,
		Outputs:         Topics{Out: [record.NumKinds]string{record.KindSMA: output}},
		CommitInterval:  20 * time.Millisecond,
		CommitRecords:   500,
		TransactionalID: group + "-txn",
		SessionTimeout:  6 * time.Second,
	}
}

func runCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func kgoRecord(topic string, p int32, e kv) *kgo.Record {
	return &kgo.Record{Topic: topic, Partition: p, Key: e.key, Value: e.value}
}
