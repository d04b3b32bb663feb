package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ReadAll calls fn for every committed record of topic, partition by
// partition in offset order within a partition, from the start up to the
// last stable offsets listed when ReadAll begins (read_committed).
func ReadAll(ctx context.Context, cfg Config, topic string, fn func(*kgo.Record)) error {
	return readToEnd(ctx, cfg, topic, nil, fn)
}

// ReadValues is ReadAll for callers outside this package, which do not
// import franz-go: fn gets each record's key and value (valid only during
// the call).
func ReadValues(ctx context.Context, cfg Config, topic string, fn func(key, value []byte)) error {
	return readToEnd(ctx, cfg, topic, nil, func(r *kgo.Record) { fn(r.Key, r.Value) })
}

// readToEnd is ReadAll for some partitions (all when parts is nil).
func readToEnd(ctx context.Context, cfg Config, topic string, parts []int32, fn func(*kgo.Record)) error {
	adm, err := newClient(cfg)
	if err != nil {
		return err
	}
	defer adm.Close()
	starts, ends, err := bounds(ctx, kadm.NewClient(adm), topic)
	if err != nil {
		return err
	}
	want := map[int32]bool{}
	for _, p := range parts {
		want[p] = true
	}
	offsets := map[int32]kgo.Offset{}
	pos := map[int32]int64{}
	for p, end := range ends {
		if parts != nil && !want[p] {
			continue
		}
		if starts[p] < end {
			offsets[p] = kgo.NewOffset().At(starts[p])
			pos[p] = starts[p]
		}
	}
	for _, p := range parts {
		if _, ok := ends[p]; !ok {
			return fmt.Errorf("reading %s: partition %d does not exist (topic has %d)", topic, p, len(ends))
		}
	}
	if len(offsets) == 0 {
		return nil
	}
	cl, err := newClient(cfg,
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.FetchMaxPartitionBytes(8<<20),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	for len(pos) > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("reading %s: %w", topic, err)
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if ferr == nil {
				ferr = fmt.Errorf("reading %s partition %d: %w", t, p, err)
			}
		})
		if ferr != nil {
			return ferr
		}
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := ends[r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			if !r.Attrs.IsControl() {
				fn(r)
			}
			if r.Offset+1 >= end {
				delete(pos, r.Partition)
			}
		})
	}
	return nil
}

// boundsRetry is how long bounds retries errors a broker gives while it
// recovers (a leader election after a restart).
const boundsRetry = 60 * time.Second

// bounds lists the log start offsets and last stable offsets of topic,
// retrying retriable errors (LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER
// right after a broker restart) for up to boundsRetry.
func bounds(ctx context.Context, adm *kadm.Client, topic string) (starts, ends map[int32]int64, err error) {
	deadline := time.Now().Add(boundsRetry)
	for {
		starts, ends, err = boundsOnce(ctx, adm, topic)
		if err == nil || !kerr.IsRetriable(err) || time.Now().After(deadline) {
			return starts, ends, err
		}
		select {
		case <-ctx.Done():
			return nil, nil, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func boundsOnce(ctx context.Context, adm *kadm.Client, topic string) (starts, ends map[int32]int64, err error) {
	so, err := adm.ListStartOffsets(ctx, topic)
	if err == nil {
		err = so.Error()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("listing start offsets of %s: %w", topic, err)
	}
	eo, err := adm.ListCommittedOffsets(ctx, topic)
	if err == nil {
		err = eo.Error()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("listing end offsets of %s: %w", topic, err)
	}
	if len(eo[topic]) == 0 {
		return nil, nil, fmt.Errorf("listing offsets of %s: topic not found", topic)
	}
	starts, ends = map[int32]int64{}, map[int32]int64{}
	so.Each(func(o kadm.ListedOffset) { starts[o.Partition] = o.Offset })
	eo.Each(func(o kadm.ListedOffset) { ends[o.Partition] = o.Offset })
	return starts, ends, nil
}
