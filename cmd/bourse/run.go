package main

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/pipeline"
)

func newRunCmd() *cobra.Command {
	cfg := pipeline.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the whole pipeline in one command: produce -> match -> sma, profit",
		Long: `run is the exchange in one command. With no --brokers it starts an embedded
Kafka-protocol broker in this process; with --brokers it uses that cluster.
It creates the topics, produces --count seeded orders, runs match and then
sma and profit exactly-once up to the end of their input, and prints a
summary: orders, trades, rejects, the last SMA per instrument and the
top-profit instrument of each window.`,
		Example: `  bourse run
  bourse run --count 200000 --seed 42
  bourse run --brokers 127.0.0.1:9092 --batch-dir out/batches`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg.Kafka)
			_, err := pipeline.Run(cmd.Context(), cfg, cmd.OutOrStdout(), slog.Default())
			return err
		},
	}
	fs := cmd.Flags()
	addKafkaFlags(fs, &cfg.Kafka)
	fs.Int32Var(&cfg.Partitions, "partitions", cfg.Partitions, "partitions per topic")
	fs.IntVar(&cfg.Count, "count", cfg.Count, "orders to produce")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "order flow seed")
	fs.StringVar(&cfg.BatchDir, "batch-dir", "", "also keep Arrow micro-batches here")
	return cmd
}
