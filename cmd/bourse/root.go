package main

import (
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/setup"
)

// globals are the flags every command has.
type globals struct {
	configFile string
	logLevel   string
	logFormat  string
}

func newRootCmd() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "bourse",
		Short: "bourse: the stream and batch jobs of an electronic stock exchange",
		Long: `bourse turns traders' orders into trades and analytics.

  produce   write a synthetic order flow (or one manual order)
  match     match orders into trades and execution reports (price-time priority)
  sma       simple moving averages of bar closes over hopping windows
  profit    the most profitable instrument per window
  archive   compact Arrow micro-batches into partitioned Parquet
  topics    create the Kafka topics
  run       the whole pipeline in one command (embedded broker by default)
  serve     the traders' API, live stream, order entry and dashboard

Every job reads and writes JSON Lines files by default and Kafka topics with
--brokers. Settings come from defaults < --config file < BOURSE_* environment
variables < flags.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyConfig(cmd, g.configFile); err != nil {
				return setup.Usage("", err)
			}
			return setupLogging(g, cmd.ErrOrStderr())
		},
	}
	root.PersistentFlags().StringVar(&g.configFile, "config", "", "JSON config file of flag values, e.g. {\"brokers\": \"k1:9092\"}")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "text", "log format: text or json")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return setup.Usage("", err) })
	root.AddCommand(newProduceCmd(), newMatchCmd(), newSMACmd(), newProfitCmd(),
		newArchiveCmd(), newTopicsCmd(), newRunCmd(), newServeCmd(), newVersionCmd())
	return root
}

func setupLogging(g *globals, w io.Writer) error {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(g.logLevel)); err != nil {
		return setup.Usagef("--log-level", "must be debug, info, warn or error, got %q", g.logLevel)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch g.logFormat {
	case "text":
		slog.SetDefault(slog.New(slog.NewTextHandler(w, opts)))
	case "json":
		slog.SetDefault(slog.New(slog.NewJSONHandler(w, opts)))
	default:
		return setup.Usagef("--log-format", "must be text or json, got %q", g.logFormat)
	}
	return nil
}

// stderr is where human lines go.
func stderr(cmd *cobra.Command) io.Writer {
	if cmd == nil {
		return os.Stderr
	}
	return cmd.ErrOrStderr()
}
