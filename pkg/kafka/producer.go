package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// RecordProducer is where a Sink sends encoded records. key and value are
// valid only during the call (the Sink reuses them): an implementation
// copies what it keeps. The runner's transaction implements it.
type RecordProducer interface {
	Produce(topic string, key, value []byte)
}

// ProducerConfig tunes a Producer. The zero value is the default.
type ProducerConfig struct {
	Linger      time.Duration // batch linger; default 5ms
	Compression string        // lz4 (default), zstd, snappy, gzip or none
}

// Producer is an idempotent, batching, asynchronous producer (the produce
// job's and the instruments publisher's). Produce never blocks for the
// broker; failures are counted and reported by Flush.
type Producer struct {
	cl     *kgo.Client
	failed atomic.Int64
	acked  atomic.Int64
	mu     sync.Mutex
	first  error
}

// NewProducer connects a Producer.
func NewProducer(cfg Config, pc ProducerConfig) (*Producer, error) {
	codec, err := compression(pc.Compression)
	if err != nil {
		return nil, err
	}
	linger := pc.Linger
	if linger == 0 {
		linger = 5 * time.Millisecond
	}
	cl, err := newClient(cfg,
		kgo.ProducerLinger(linger),
		kgo.ProducerBatchCompression(codec),
		kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)),
		kgo.RequiredAcks(kgo.AllISRAcks()),
	)
	if err != nil {
		return nil, err
	}
	return &Producer{cl: cl}, nil
}

// DefaultCompression is the batch codec used when none is named.
const DefaultCompression = "lz4"

// compression picks a batch codec. lz4 is the default: on this workload
// zstd's encoder was the largest single CPU cost of the match job (a fifth
// of its profile) for a few bytes less on the wire.
func compression(name string) (kgo.CompressionCodec, error) {
	switch name {
	case "zstd":
		return kgo.ZstdCompression(), nil
	case "", "lz4":
		return kgo.Lz4Compression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "none":
		return kgo.NoCompression(), nil
	}
	return kgo.NoCompression(), fmt.Errorf("%w: compression %q: expected lz4, zstd, snappy, gzip or none", ErrConfig, name)
}

// Produce sends one record asynchronously. It blocks only when the client's
// buffer is full (backpressure).
func (p *Producer) Produce(topic string, key, value []byte) {
	p.cl.Produce(context.Background(), &kgo.Record{Topic: topic, Key: key, Value: value}, p.promise)
}

func (p *Producer) promise(r *kgo.Record, err error) {
	if err == nil {
		p.acked.Add(1)
		return
	}
	p.failed.Add(1)
	p.mu.Lock()
	if p.first == nil {
		p.first = fmt.Errorf("producing to %s: %w", r.Topic, err)
	}
	p.mu.Unlock()
}

// Acked is how many records the brokers have acknowledged.
func (p *Producer) Acked() int64 { return p.acked.Load() }

// Failed is how many records could not be produced.
func (p *Producer) Failed() int64 { return p.failed.Load() }

// Flush waits for every produced record and reports the first failure
// (with the count of failures) since the Producer was made.
func (p *Producer) Flush(ctx context.Context) error {
	if err := p.cl.Flush(ctx); err != nil {
		return fmt.Errorf("flushing producer: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first != nil {
		return fmt.Errorf("%d records not produced, first: %w", p.failed.Load(), p.first)
	}
	return nil
}

// Close closes the client; records not flushed are failed.
func (p *Producer) Close() { p.cl.Close() }

// ErrProduce is wrapped when records of a transaction could not be produced.
var ErrProduce = errors.New("produce failed")
