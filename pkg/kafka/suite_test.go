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
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/kafka/kafkatest"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// forEachBroker runs fn against the embedded broker, and also against the
// real one when kafkatest finds one (BOURSE_KAFKA_BROKERS; with
// BOURSE_REQUIRE_KAFKA=1 and none set, the test fails).
func forEachBroker(t *testing.T, fn func(t *testing.T, b *broker)) {
	t.Run("kfake", func(t *testing.T) {
		fn(t, &broker{cfg: Config{Brokers: kafkatest.Embedded(t, 4)}, real: false})
	})
	addrs := kafkatest.Real(t)
	if addrs == nil {
		return
	}
	t.Run("kafka", func(t *testing.T) {
		fn(t, &broker{cfg: FromEnv(Config{Brokers: addrs}, os.Getenv), real: true})
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

// pending returns how many offsets of topic lie past its last stable
// offsets: the records and markers of transactions still open.
func (b *broker) pending(t *testing.T, topic string) int64 {
	t.Helper()
	cl, err := newClient(b.cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	hwm, err := adm.ListEndOffsets(t.Context(), topic)
	if err == nil {
		err = hwm.Error()
	}
	if err != nil {
		t.Fatalf("high watermarks of %s: %v", topic, err)
	}
	lso, err := adm.ListCommittedOffsets(t.Context(), topic)
	if err == nil {
		err = lso.Error()
	}
	if err != nil {
		t.Fatalf("last stable offsets of %s: %v", topic, err)
	}
	var n int64
	hwm.Each(func(o kadm.ListedOffset) {
		if l, ok := lso.Lookup(topic, o.Partition); ok {
			n += o.Offset - l.Offset
		}
	})
	return n
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
