package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/bourse/bourse/pkg/record"
)

// Topics names the topics of the suite. An empty name means "not produced".
type Topics struct {
	Orders, Instruments string
	// Out is each output kind's topic.
	Out [record.NumKinds]string
}

// DefaultTopics returns the standard topic names.
func DefaultTopics() Topics {
	t := Topics{Orders: "orders", Instruments: "instruments"}
	for k := range record.NumKinds {
		t.Out[k] = k.Info().Topic
	}
	return t
}

// PrefixedTopics names each topic "<prefix>-<stem>" after its flag
// ("--<stem>-topic": orders, instruments, trades, events, ...): a set of
// topics of its own, for tests and benchmarks.
func PrefixedTopics(prefix string) Topics {
	t := Topics{Orders: prefix + "-orders", Instruments: prefix + "-instruments"}
	for k := range record.NumKinds {
		t.Out[k] = prefix + "-" + strings.TrimSuffix(k.Info().Flag, "-topic")
	}
	return t
}

// Only returns t with the output topics of kinds other than ks blanked.
func (t Topics) Only(ks ...record.Kind) Topics {
	o := Topics{Orders: t.Orders, Instruments: t.Instruments}
	for _, k := range ks {
		o.Out[k] = t.Out[k]
	}
	return o
}

// Names lists the non-empty topic names of t.
func (t Topics) Names() []string {
	var out []string
	for _, n := range append([]string{t.Orders, t.Instruments}, t.Out[:]...) {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Layout lists every topic bourse uses — t's and the state topics of the
// given stream jobs — and which of them are compacted: the instruments
// reference, the book snapshots and the state topics. `bourse topics
// create` and `bourse run` create this set.
func (t Topics) Layout(jobs ...string) (names []string, compacted map[string]bool) {
	names = t.Names()
	compacted = map[string]bool{}
	if t.Instruments != "" {
		compacted[t.Instruments] = true
	}
	if n := t.Out[record.KindBookSnapshot]; n != "" {
		compacted[n] = true
	}
	for _, job := range jobs {
		st := StateTopic(job)
		names = append(names, st)
		compacted[st] = true
	}
	return names, compacted
}

// StateTopic is the name of a job's compacted snapshot topic.
func StateTopic(job string) string { return "bourse-" + job + "-state" }

// StateMaxMessageBytes is the max.message.bytes of state topics, so large
// snapshots fit (the runner also chunks snapshots it writes).
const StateMaxMessageBytes = 64 << 20

// StateSegmentMillis is the segment.ms of state topics (10 minutes).
const StateSegmentMillis = 10 * 60 * 1000

// StateSegmentBytes is the segment.bytes of state topics: a busy job rolls
// by size long before 10 minutes, so the uncompacted tail a restore reads
// stays near this size whatever the commit rate.
const StateSegmentBytes = 64 << 20

// StateDeleteRetentionMillis is the delete.retention.ms of state topics.
// Every commit deletes the snapshot chunks it no longer uses, each under
// its own content key, so tombstones kept for the default day would
// outnumber the live chunks a restore needs. A reader that misses a
// tombstone sees a chunk no manifest names, which is harmless.
const StateDeleteRetentionMillis = 60 * 1000

// TopicSettings are what CreateTopicsWith gives the topics it creates.
type TopicSettings struct {
	// Partitions per topic; 0 or -1 takes the broker's num.partitions.
	Partitions int32
	// Replication is the replication factor; -1 takes the broker's
	// default.replication.factor.
	Replication int16
	// MinInsyncReplicas, when > 0, sets min.insync.replicas on every created
	// topic: how many replicas must hold a write before an acks=all producer
	// (every bourse job) sees it acknowledged. 0 keeps the broker's default.
	// It must not exceed Replication when that is given.
	MinInsyncReplicas int
	// Compacted names the topics that get cleanup.policy=compact.
	Compacted map[string]bool
}

// CreateTopics creates the named topics with the given partition count and
// replication factor (-1 for the broker defaults); see CreateTopicsWith.
func CreateTopics(ctx context.Context, cfg Config, names []string, partitions int32, replication int16, compacted map[string]bool) error {
	return CreateTopicsWith(ctx, cfg, names, TopicSettings{Partitions: partitions, Replication: replication, Compacted: compacted})
}

// CreateTopicsWith creates the named topics with settings s. Topics that
// exist are left alone. Names in s.Compacted get cleanup.policy=compact;
// names that look like state topics (bourse-<job>-state) also get a large
// max.message.bytes and short segments, so that compaction keeps restores
// short.
func CreateTopicsWith(ctx context.Context, cfg Config, names []string, s TopicSettings) error {
	partitions, replication, compacted := s.Partitions, s.Replication, s.Compacted
	if partitions == 0 {
		partitions = -1
	}
	if s.MinInsyncReplicas < 0 || (replication > 0 && s.MinInsyncReplicas > int(replication)) {
		return fmt.Errorf("min.insync.replicas: want 0 (broker default) or 1..%d (the replication factor), got %d", replication, s.MinInsyncReplicas)
	}
	cl, err := newClient(cfg)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for _, name := range names {
		if name == "" {
			continue
		}
		configs := map[string]*string{}
		if s.MinInsyncReplicas > 0 {
			configs["min.insync.replicas"] = ptr(strconv.Itoa(s.MinInsyncReplicas))
		}
		if compacted[name] || isStateTopic(name) {
			configs["cleanup.policy"] = ptr("compact")
		}
		if isStateTopic(name) {
			configs["max.message.bytes"] = ptr(strconv.Itoa(StateMaxMessageBytes))
			// Roll segments every 10 minutes and clean them eagerly: the
			// active segment is never compacted, and a restore reads the
			// whole partition, so old snapshots must not pile up in it.
			configs["segment.ms"] = ptr(strconv.Itoa(StateSegmentMillis))
			configs["min.cleanable.dirty.ratio"] = ptr("0.1")
			configs["segment.bytes"] = ptr(strconv.Itoa(StateSegmentBytes))
			configs["delete.retention.ms"] = ptr(strconv.Itoa(StateDeleteRetentionMillis))
		}
		resp, err := adm.CreateTopic(ctx, partitions, replication, configs, name)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("creating topic %s: %w", name, err)
		}
	}
	return waitForTopics(ctx, adm, names)
}

// waitForTopics waits until every named topic has a leader for each of its
// partitions: a broker answers CreateTopics before the new topic is served,
// and a job started right after would fail with UNKNOWN_TOPIC_OR_PARTITION.
func waitForTopics(ctx context.Context, adm *kadm.Client, names []string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		missing := ""
		td, err := adm.ListTopics(ctx, names...)
		if err != nil {
			missing = err.Error()
		}
		for _, n := range names {
			if n == "" || missing != "" {
				continue
			}
			t, ok := td[n]
			if !ok || t.Err != nil || len(t.Partitions) == 0 {
				missing = n
				continue
			}
			for _, p := range t.Partitions {
				if p.Err != nil || p.Leader < 0 {
					missing = n
				}
			}
		}
		if missing == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("topic %s not served 30s after its creation", missing)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func isStateTopic(name string) bool {
	return len(name) > len("bourse--state") && name[:7] == "bourse-" && name[len(name)-6:] == "-state"
}

func ptr(s string) *string { return &s }

// newClient is a plain client (no group, no transactions) for admin work.
func newClient(cfg Config, extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := cfg.Opts()
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	return cl, nil
}

// partitionCount returns how many partitions topic has, waiting up to 15s
// for a just-created topic's metadata to reach the brokers.
func partitionCount(ctx context.Context, adm *kadm.Client, topic string) (int32, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := partitionCountOnce(ctx, adm, topic)
		if err == nil || !errors.Is(err, kerr.UnknownTopicOrPartition) || time.Now().After(deadline) {
			return n, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func partitionCountOnce(ctx context.Context, adm *kadm.Client, topic string) (int32, error) {
	td, err := adm.ListTopics(ctx, topic)
	if err != nil {
		return 0, fmt.Errorf("describing topic %s: %w", topic, err)
	}
	d, ok := td[topic]
	if !ok || d.Err != nil {
		if ok {
			err = d.Err
		} else {
			err = kerr.UnknownTopicOrPartition
		}
		return 0, fmt.Errorf("topic %s: %w", topic, err)
	}
	return int32(len(d.Partitions)), nil
}
