package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TailFunc receives one committed record of a tailed topic. key and value
// are only valid for the duration of the call.
type TailFunc func(topic string, key, value []byte, partition int32, offset int64, tsMillis int64)

// Tail follows topics with read_committed isolation and no consumer group:
// every partition of every topic is assigned directly (partitions added
// later are picked up), from the start when fromStart (so a reader can
// rebuild an in-memory view) or from the end otherwise. fn is called for
// each record, in offset order within a partition, from one goroutine. Tail
// runs until ctx is done and then returns nil; it returns an error only for
// a non-retriable fetch failure (retriable ones and topics that do not exist
// yet are waited out).
func Tail(ctx context.Context, cfg Config, topics []string, fromStart bool, fn TailFunc) error {
	if len(topics) == 0 {
		return fmt.Errorf("%w: tail: expected at least one topic, got none", ErrConfig)
	}
	start := kgo.NewOffset().AtEnd()
	if fromStart {
		start = kgo.NewOffset().AtStart()
	}
	cl, err := newClient(cfg,
		kgo.ConsumeTopics(topics...),
		kgo.ConsumeResetOffset(start),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.FetchMaxPartitionBytes(8<<20),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if fs.IsClientClosed() {
			return errors.New("tail: client closed")
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if ferr == nil && !tailRetriable(err) {
				ferr = fmt.Errorf("tail %s partition %d: %w", t, p, err)
			}
		})
		if ferr != nil {
			return ferr
		}
		fs.EachRecord(func(r *kgo.Record) {
			fn(r.Topic, r.Key, r.Value, r.Partition, r.Offset, r.Timestamp.UnixMilli())
		})
	}
}

// tailRetriable reports whether a fetch error is one the client recovers
// from by itself (the consumer keeps going).
func tailRetriable(err error) bool {
	var loss *kgo.ErrDataLoss
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &loss):
		return true // offsets reset by the client; reported for information
	case errors.Is(err, kerr.UnknownTopicOrPartition):
		return true
	}
	return kerr.IsRetriable(err)
}

// ProduceSync produces one record and waits for the brokers' acknowledgement
// (idempotent, acks=all), for callers that must answer only once a record is
// durable, such as the serving layer's order entry. Unlike Produce it does
// not count into Failed or Flush's error: the error is returned to the
// caller.
func (p *Producer) ProduceSync(ctx context.Context, topic string, key, value []byte) error {
	r := &kgo.Record{Topic: topic, Key: key, Value: value}
	if err := p.cl.ProduceSync(ctx, r).FirstErr(); err != nil {
		return fmt.Errorf("producing to %s: %w", topic, err)
	}
	p.acked.Add(1)
	return nil
}
