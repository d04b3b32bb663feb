package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/pipeline"
	"github.com/bourse/bourse/jobs/setup"
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
		minISR      int
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create the data, instruments and state topics (existing ones are left as they are)",
		Long: `create makes the topics with --partitions and --replication-factor: orders,
trades, order-events, bars, sma, profit and bourse-rejects keyed by
instrument; the instruments reference and the jobs' state topics
(bourse-match-state, bourse-sma-state, bourse-profit-state) compacted.
--min-insync-replicas sets min.insync.replicas on every topic it creates: an
acknowledged write (the jobs produce with acks=all) is then on at least that
many replicas, and a partition with fewer in-sync replicas refuses writes
rather than risk losing them. Without it the broker's default applies.`,
		Example: `  bourse topics create --brokers 127.0.0.1:9092 --partitions 6 --replication-factor 3 --min-insync-replicas 2`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg)
			if len(cfg.Brokers) == 0 {
				return setup.Usagef("--brokers", "is required")
			}
			if partitions < 1 || replication < 1 {
				return setup.Usagef("", "--partitions and --replication-factor must be >= 1, got %d and %d", partitions, replication)
			}
			if cmd.Flags().Changed("min-insync-replicas") && (minISR < 1 || minISR > int(replication)) {
				return setup.Usagef("--min-insync-replicas", "must be 1..%d (the replication factor), got %d", replication, minISR)
			}
			names, compacted := topics.Layout(pipeline.JobNames()...)
			set := kafka.TopicSettings{Partitions: partitions, Replication: replication, MinInsyncReplicas: minISR, Compacted: compacted}
			if err := kafka.CreateTopicsWith(cmd.Context(), cfg, names, set); err != nil {
				return err
			}
			isr := "broker default"
			if minISR > 0 {
				isr = fmt.Sprint(minISR)
			}
			cmd.PrintErrf("topics ready: %d topics, %d partitions, replication factor %d, min.insync.replicas %s\n", len(names), partitions, replication, isr)
			return nil
		},
	}
	fs := cmd.Flags()
	addKafkaFlags(fs, &cfg)
	addTopicFlags(fs, &topics)
	fs.Int32Var(&partitions, "partitions", 6, "partitions per topic")
	fs.Int16Var(&replication, "replication-factor", 1, "replicas per partition")
	fs.Int16Var(&replication, "replication", 1, "alias of --replication-factor")
	fs.IntVar(&minISR, "min-insync-replicas", 0, "min.insync.replicas of the created topics, 1..replication factor (default: the broker's)")
	return cmd
}
