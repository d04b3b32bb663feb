package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/serve"
	"github.com/bourse/bourse/jobs/setup"
)

func newServeCmd() *cobra.Command {
	cfg := serve.Defaults()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve traders: JSON API, live event stream, order entry and the dashboard",
		Long: `serve follows the committed output topics (trades, order-events, bars, sma,
profit, book, book-snapshots, instrument-status) and keeps an in-memory view
of the market: each book from match's book feed (resynchronised from a
snapshot after a gap; SSE "book" and "book_snapshot" events), each
instrument's trading phase (SSE "status" events), recent trades, bars, SMA
and profit windows, the top-profit instrument, and each trader's orders. It
serves a JSON API (/api/openapi.json), Server-Sent Events with resumable ids
(/api/stream), order entry (POST /api/orders, validated with the match job's
rules, produced to the orders topic), a kill switch (DELETE /api/orders: a
CANCEL_ALL of the trader per instrument) and a web dashboard at /. Every request needs a trader's bearer token (see
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
	fs.DurationVar(&cfg.TokenCheck, "tokens-check", cfg.TokenCheck, "how often the tokens file is checked for changes (a revoked token's streams close at the next check)")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", cfg.ReadHeaderTimeout, "time to read a request's line and headers")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", cfg.ReadTimeout, "time to read a whole request, headers and body")
	fs.Int64Var(&cfg.MinBodyRate, "min-body-rate", cfg.MinBodyRate, "bytes a second a request body must keep up after --body-grace (408 and the connection closed otherwise)")
	fs.DurationVar(&cfg.BodyGrace, "body-grace", cfg.BodyGrace, "time a request body may take before --min-body-rate applies")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", cfg.WriteTimeout, "time to write an answer (the stream uses --stall-timeout per write)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "keep-alive connection idle time between requests")
	fs.DurationVar(&cfg.StallTimeout, "stall-timeout", cfg.StallTimeout, "a stream client that does not take a write for this long is disconnected (it resumes with Last-Event-ID)")
	fs.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "concurrent connections in total (lowered to RLIMIT_NOFILE minus 256 when above it)")
	fs.IntVar(&cfg.MaxConnsPerIP, "max-conns-per-ip", cfg.MaxConnsPerIP, "concurrent connections per source address")
	fs.Float64Var(&cfg.UnauthRate, "unauth-rate", cfg.UnauthRate, "requests per second per source address without a valid token (429 beyond)")
	fs.IntVar(&cfg.UnauthBurst, "unauth-burst", cfg.UnauthBurst, "request burst per source address without a valid token")
	fs.IntVar(&cfg.MaxStreams, "max-streams", cfg.MaxStreams, "concurrent live streams per token")
	cmd.AddCommand(newTokenCmd())
	return cmd
}

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage traders' API tokens", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
	var file string
	add := &cobra.Command{
		Use:   "add TRADER",
		Short: "Create a bearer token for a trader; it is printed once (on stdout) and stored hashed",
		Long: `add makes a random bearer token for TRADER (1 to 64 bytes of A-Z a-z 0-9
- _ . : @), appends its SHA-256 to the tokens file (created 0600; an
existing file readable by others is changed to 0600 with a warning) and
prints the token on stdout, once; messages go to stderr.`,
		Example: `  TOKEN=$(bourse serve token add T001 --tokens tokens.csv)`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return setup.Usagef("--tokens", "FILE is required")
			}
			if was, changed, err := serve.TightenMode(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			} else if changed {
				cmd.PrintErrf("warning: %s had mode %#o (readable by others); changed it to 0600\n", file, was)
			}
			tok, err := serve.AddToken(file, args[0])
			if errors.Is(err, serve.ErrBadTrader) {
				return setup.Usage("", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok) // stdout only: TOKEN=$(bourse serve token add …)
			cmd.PrintErrf("token for %s added to %s; it is shown only now\n", args[0], file)
			return nil
		},
	}
	add.Flags().StringVar(&file, "tokens", "", "tokens file to append to")
	cmd.AddCommand(add)
	return cmd
}
