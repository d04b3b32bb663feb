package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/pkg/kafka"
)

func newTopicsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "Manage the Kafka topics bourse uses",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTopicsCreateCmd())
	return cmd
}

func newTopicsCreateCmd() *cobra.Command {
	var (
		cfg         kafka.Config
		topics      = kafka.DefaultTopics()
		partitions  int32
		replication int16
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create the data, instruments and state topics (existing ones are left as they are)",
		Long: `create makes the topics with --partitions and --replication-factor: orders,
trades, order-events, bars, sma, profit and bourse-rejects keyed by
instrument; the instruments reference and the jobs' state topics
(bourse-match-state, bourse-sma-state, bourse-profit-state) compacted.`,
		Example: `  bourse topics create --brokers 127.0.0.1:9092 --partitions 6 --replication-factor 3`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg)
			if len(cfg.Brokers) == 0 {
				return &usageError{fmt.Errorf("--brokers is required")}
			}
			if partitions < 1 || replication < 1 {
				return &usageError{fmt.Errorf("--partitions and --replication-factor must be >= 1, got %d and %d", partitions, replication)}
			}
			names, compacted := topics.Layout()
			if err := kafka.CreateTopics(cmd.Context(), cfg, names, partitions, replication, compacted); err != nil {
				return err
			}
			cmd.PrintErrf("topics ready: %d topics, %d partitions, replication factor %d\n", len(names), partitions, replication)
			return nil
		},
	}
	fs := cmd.Flags()
	addKafkaFlags(fs, &cfg)
	addTopicFlags(fs, &topics)
	fs.Int32Var(&partitions, "partitions", 6, "partitions per topic")
	fs.Int16Var(&replication, "replication-factor", 1, "replicas per partition")
	fs.Int16Var(&replication, "replication", 1, "alias of --replication-factor")
	return cmd
}
