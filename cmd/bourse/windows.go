package main

import (
	"log/slog"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/bourse/bourse/jobs/profit"
	"github.com/bourse/bourse/jobs/sma"
	"github.com/bourse/bourse/jobs/windowed"
	"github.com/bourse/bourse/pkg/record"
)

func addWindowFlags(fs *pflag.FlagSet, w *windowed.Windows) {
	fs.DurationVar(&w.Bar, "bar", w.Bar, "bar length, aligned to the epoch")
	fs.DurationVar(&w.Window, "window", w.Window, "window length (a multiple of --bar)")
	fs.DurationVar(&w.Slide, "slide", w.Slide, "window advance (a multiple of --bar)")
	fs.DurationVar(&w.Lateness, "lateness", w.Lateness, "how far behind the newest trade of an instrument a window stays open")
}

func newSMACmd() *cobra.Command {
	cfg := sma.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "sma",
		Short: "Simple moving averages of bar closes over hopping windows",
		Long: `sma reads trades, builds per-instrument bars (--bar, default 1m) and, per
hopping window [k*slide, k*slide+window), writes the mean of the bars'
closing prices. A window is written once the instrument's newest trade time
minus --lateness passes its end; at the end of a file all open windows are
written. Trades that arrive after their window was written are counted and
reported as LATE rejects.`,
		Example: `  bourse sma --in trades.jsonl --out sma.jsonl --bars bars.jsonl
  bourse sma --in trades.jsonl --window 30m --slide 10m
  bourse sma --brokers 127.0.0.1:9092 --follow`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg.Kafka)
			sum, err := sma.Run(cmd.Context(), cfg, slog.Default())
			summarize(cmd, sum.String(), err)
			return err
		},
	}
	fs := cmd.Flags()
	addRunnerFlags(fs, &cfg.Config)
	addWindowFlags(fs, &cfg.Windows)
	fs.StringVar(&cfg.Files[record.KindSMA], "out", cfg.Files[record.KindSMA], "SMA output (- = stdout)")
	fs.StringVar(&cfg.Files[record.KindBar], "bars", "", "bars output (file mode)")
	return cmd
}

func newProfitCmd() *cobra.Command {
	cfg := profit.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "profit",
		Short: "The most profitable instrument per hopping window",
		Long: `profit reads trades and writes, per window and instrument, the average open
and close of the bars in the window, profit = avg_close - avg_open, and the
instrument's rank in the window (1 = most profitable; ties by name). A window
is ranked once every instrument of the reference has passed its end, so ranks
are exact and the same on files and on Kafka whatever the partitions'
interleaving. With --idle, an instrument silent for that long (in event
time) no longer holds windows up; its late windows then come with rank 0.`,
		Example: `  bourse profit --in trades.jsonl --out profit.jsonl
  bourse profit --in trades.jsonl | grep '"rank":1'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg.Kafka)
			sum, err := profit.Run(cmd.Context(), cfg, slog.Default())
			summarize(cmd, sum.String(), err)
			return err
		},
	}
	fs := cmd.Flags()
	addRunnerFlags(fs, &cfg.Config.Config)
	addWindowFlags(fs, &cfg.Windows)
	fs.DurationVar(&cfg.Idle, "idle", 0, "an instrument whose newest trade is this far behind the newest of all stops holding windows open (0 = never: exact ranks; set it where instruments can halt)")
	fs.StringVar(&cfg.Files[record.KindProfit], "out", cfg.Files[record.KindProfit], "profit output (- = stdout)")
	fs.StringVar(&cfg.Instruments, "instruments", "", "instruments reference (CSV or JSON): windows are ranked once every listed instrument has passed them; default: the instruments topic or the built-in list")
	return cmd
}
