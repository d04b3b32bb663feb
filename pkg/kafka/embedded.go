package kafka

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"
)

// StartEmbedded starts an in-process Kafka-compatible broker (franz-go's
// kfake: transactions, consumer groups, read_committed and compaction are
// supported) on a free local port, for the one-command demo; tests take
// theirs from kafkatest. Topics are auto-created with the given partition
// count. stop shuts it down; its data is lost.
func StartEmbedded(partitions int32) (brokers []string, stop func(), err error) {
	if partitions <= 0 {
		return nil, nil, fmt.Errorf("%w: embedded broker: partitions must be positive, got %d", ErrConfig, partitions)
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.DefaultNumPartitions(int(partitions)),
		kfake.AllowAutoTopicCreation(),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("embedded broker: %w", err)
	}
	return c.ListenAddrs(), c.Close, nil
}
