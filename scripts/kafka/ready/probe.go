package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// attemptTimeout bounds one probe, so that a broker that accepts
// connections but never answers is retried rather than waited on forever.
const attemptTimeout = 10 * time.Second

// waitReady probes until the broker passes or ctx ends, and returns the
// number of brokers the cluster lists.
func waitReady(ctx context.Context, brokers []string, pid int) (int, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ProducerLinger(0),
		kgo.RequiredAcks(kgo.AllISRAcks()), kgo.RecordDeliveryTimeout(attemptTimeout))
	if err != nil {
		return 0, fmt.Errorf("kafka client for %v: %w", brokers, err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	topic := fmt.Sprintf("bourse-ready-probe-%d-%d", os.Getpid(), time.Now().UnixNano())

	var last error
	for attempt := 1; ; attempt++ {
		if pid > 0 && !alive(pid) {
			return 0, fmt.Errorf("broker process %d exited before it was ready (last probe error: %v)", pid, last)
		}
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		n, err := probe(actx, cl, adm, topic)
		cancel()
		if err == nil {
			return n, nil
		}
		last = err
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("broker at %v not ready after %d attempts: %w", brokers, attempt, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// probe lists the brokers, creates the probe topic, writes one record with
// acks=all and deletes the topic.
func probe(ctx context.Context, cl *kgo.Client, adm *kadm.Client, topic string) (int, error) {
	bs, err := adm.ListBrokers(ctx)
	if err != nil {
		return 0, fmt.Errorf("list brokers: %w", err)
	}
	if len(bs) == 0 {
		return 0, errors.New("list brokers: want at least 1 broker in metadata, got 0")
	}
	res, err := adm.CreateTopic(ctx, 1, 1, nil, topic)
	if err == nil {
		err = res.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return 0, fmt.Errorf("create probe topic %s: %w", topic, err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte("ready")}).FirstErr(); err != nil {
		return 0, fmt.Errorf("produce to probe topic %s: %w", topic, err)
	}
	dres, err := adm.DeleteTopic(ctx, topic)
	if err == nil {
		err = dres.Err
	}
	if err != nil {
		return 0, fmt.Errorf("delete probe topic %s: %w", topic, err)
	}
	return len(bs), nil
}

// alive reports whether process pid still exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// newAdmin returns an admin client on brokers and a function closing it.
func newAdmin(brokers []string) (*kadm.Client, func(), error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return nil, nil, fmt.Errorf("kafka client for %v: %w", brokers, err)
	}
	return kadm.NewClient(cl), cl.Close, nil
}

// createTopic creates topic with replication factor 1.
func createTopic(ctx context.Context, brokers []string, topic string, partitions int) error {
	adm, closeFn, err := newAdmin(brokers)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := adm.CreateTopic(ctx, int32(partitions), 1, nil, topic)
	if err == nil {
		err = res.Err
	}
	if err != nil {
		return fmt.Errorf("create topic %s on %v: %w", topic, brokers, err)
	}
	return nil
}

// deleteTopic deletes topic.
func deleteTopic(ctx context.Context, brokers []string, topic string) error {
	adm, closeFn, err := newAdmin(brokers)
	if err != nil {
		return err
	}
	defer closeFn()
	res, err := adm.DeleteTopic(ctx, topic)
	if err == nil {
		err = res.Err
	}
	if err != nil {
		return fmt.Errorf("delete topic %s on %v: %w", topic, brokers, err)
	}
	return nil
}
