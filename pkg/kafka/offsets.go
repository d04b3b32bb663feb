package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Offsets lists topic and consumer-group offsets through one long-lived
// admin client, for callers that poll a pipeline's progress (benchmarks,
// readiness checks) many times a second without reconnecting each time.
type Offsets struct {
	cl  *kgo.Client
	adm *kadm.Client
}

// NewOffsets connects an Offsets lister.
func NewOffsets(cfg Config) (*Offsets, error) {
	cl, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	return &Offsets{cl: cl, adm: kadm.NewClient(cl)}, nil
}

// Close closes the lister's client.
func (o *Offsets) Close() { o.cl.Close() }

// End returns topic's last stable offsets by partition: how far a
// read_committed consumer can read. On a transactional topic they count
// the transaction markers too, so they are positions, not record counts.
func (o *Offsets) End(ctx context.Context, topic string) (map[int32]int64, error) {
	lo, err := o.adm.ListCommittedOffsets(ctx, topic)
	if err == nil {
		err = lo.Error()
	}
	if err != nil {
		return nil, fmt.Errorf("listing end offsets of %s: %w", topic, err)
	}
	if len(lo[topic]) == 0 {
		return nil, fmt.Errorf("listing end offsets of %s: topic not found", topic)
	}
	out := make(map[int32]int64, len(lo[topic]))
	lo.Each(func(l kadm.ListedOffset) { out[l.Partition] = l.Offset })
	return out, nil
}

// Group returns the offsets group has committed on topic, by partition;
// partitions the group has not committed are absent, and a group that does
// not exist yet has committed nothing. Offsets committed in a transaction
// appear only once the transaction commits.
func (o *Offsets) Group(ctx context.Context, group, topic string) (map[int32]int64, error) {
	resp, err := o.adm.FetchOffsetsForTopics(ctx, group, topic)
	if err == nil {
		err = resp.Error()
	}
	if errors.Is(err, kerr.GroupIDNotFound) {
		return map[int32]int64{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fetching offsets of group %s on %s: %w", group, topic, err)
	}
	out := map[int32]int64{}
	resp.Each(func(r kadm.OffsetResponse) {
		if r.Topic == topic && r.At >= 0 {
			out[r.Partition] = r.At
		}
	})
	return out, nil
}

// Assigned returns how many partitions of topic the members of group
// (a classic consumer group) currently own: a job has joined its group and
// will consume once this reaches the topic's partition count. A group that
// does not exist yet owns nothing.
func (o *Offsets) Assigned(ctx context.Context, group, topic string) (int, error) {
	n, _, err := o.Assignment(ctx, group, topic)
	return n, err
}

// Assignment returns how many partitions of topic group's members are
// assigned and how many members have at least one of them.
func (o *Offsets) Assignment(ctx context.Context, group, topic string) (partitions, members int, err error) {
	dgs, err := o.adm.DescribeGroups(ctx, group)
	if err == nil {
		err = dgs.Error()
	}
	if errors.Is(err, kerr.GroupIDNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("describing group %s: %w", group, err)
	}
	for _, m := range dgs[group].Members {
		if c, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range c.Topics {
				if t.Topic == topic && len(t.Partitions) > 0 {
					partitions += len(t.Partitions)
					members++
				}
			}
		}
	}
	return partitions, members, nil
}

// EndOffsets is Offsets.End with a client of its own, for one-off calls.
func EndOffsets(ctx context.Context, cfg Config, topic string) (map[int32]int64, error) {
	o, err := NewOffsets(cfg)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	return o.End(ctx, topic)
}

// Sum adds up per-partition offsets (the record count of a
// non-transactional topic that starts at offset 0).
func Sum(offsets map[int32]int64) int64 {
	var n int64
	for _, v := range offsets {
		n += v
	}
	return n
}
