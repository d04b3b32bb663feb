package main

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/serve"
)

func newServeCmd() *cobra.Command {
	cfg := serve.Defaults()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve traders: JSON API, live event stream, order entry and the dashboard",
		Long: `serve follows the committed output topics (trades, order-events, bars, sma,
profit) and keeps an in-memory view of the market: book depth, recent
trades, bars, SMA and profit windows, the top-profit instrument, and each
trader's orders. It serves a JSON API (/api/openapi.json), Server-Sent
Events with resumable ids (/api/stream), order entry (POST /api/orders,
validated with the match job's rules, produced to the orders topic) and a
web dashboard at /. Every request needs a trader's bearer token (see
"bourse serve token add").`,
		Example: `  bourse serve token add T001 --tokens tokens.csv
  bourse serve --brokers 127.0.0.1:9092 --tokens tokens.csv --addr :8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg.Kafka)
			return serve.Run(cmd.Context(), cfg, slog.Default())
		},
	}
	fs := cmd.Flags()
	addKafkaFlags(fs, &cfg.Kafka)
	addTopicFlags(fs, &cfg.Topics)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address")
	fs.StringVar(&cfg.Tokens, "tokens", cfg.Tokens, "tokens file (trader_id,sha256 lines; a mounted Kubernetes Secret works)")
	fs.StringVar(&cfg.Instruments, "instruments", cfg.Instruments, "instruments reference for order validation (default: the instruments topic or the built-in list)")
	fs.IntVar(&cfg.History, "history", cfg.History, "stream events held for clients that reconnect")
	fs.IntVar(&cfg.Trades, "keep-trades", cfg.Trades, "recent trades kept per instrument")
	fs.IntVar(&cfg.Series, "keep-series", cfg.Series, "bars, SMA and profit windows kept per instrument")
	fs.IntVar(&cfg.Orders, "keep-orders", cfg.Orders, "finished orders kept per trader")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "requests per second per token")
	fs.IntVar(&cfg.Burst, "burst", cfg.Burst, "request burst per token")
	fs.Int64Var(&cfg.MaxBody, "max-body", cfg.MaxBody, "request body limit in bytes")
	fs.DurationVar(&cfg.Heartbeat, "heartbeat", cfg.Heartbeat, "stream heartbeat interval")
	fs.DurationVar(&cfg.Coalesce, "coalesce", cfg.Coalesce, "least time between two writes to one stream client")
	cmd.AddCommand(newTokenCmd())
	return cmd
}

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage traders' API tokens", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
	var file string
	add := &cobra.Command{
		Use:     "add TRADER",
		Short:   "Create a bearer token for a trader; it is printed once and stored hashed",
		Example: `  bourse serve token add T001 --tokens tokens.csv`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return &usageError{fmt.Errorf("--tokens FILE is required")}
			}
			tok, err := serve.AddToken(file, args[0])
			if errors.Is(err, serve.ErrBadTrader) {
				return &usageError{err}
			}
			if err != nil {
				return err
			}
			cmd.Println(tok)
			cmd.PrintErrf("token for %s added to %s; it is shown only now\n", args[0], file)
			return nil
		},
	}
	add.Flags().StringVar(&file, "tokens", "", "tokens file to append to")
	cmd.AddCommand(add)
	return cmd
}
