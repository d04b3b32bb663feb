package main

import (
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/record"
)

func newMatchCmd() *cobra.Command {
	cfg := match.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "match",
		Short: "Match orders into trades and execution reports (price-time priority, partial fills)",
		Long: `match reads orders and writes one trade per execution. Per instrument, in
input order, an order trades against the best-priced, oldest resting orders
of the other side; the remainder of a GTC limit order rests. Execution
reports (ACCEPTED, REJECTED, FILL, PARTIAL_FILL, CANCELLED, EXPIRED, KILLED,
REPLACED, TRIGGERED) go to --events. Bad records become REJECTED reports; they never stop
the job. A human line per trade goes to stderr (--quiet turns it off).

Beyond the order's own fields, an order is REJECTED when its Kafka record key
is not its instrument (KEY_MISMATCH) or it has no key on a topic of several
partitions (KEY_MISSING); when its trader_id is not 1-64 characters of
A-Z a-z 0-9 - _ . : @ (BAD_TRADER_ID); when it is stamped more than
--max-clock-skew ahead of both its instrument's clock and the reference time
(CLOCK_SKEW); and when it cancels or replaces an order entered with another
trader_id (NOT_OWNER). Resting orders of an instrument removed from the
reference are CANCELLED (INSTRUMENT_REMOVED) when the job next restores them.
The reason codes are listed in docs/CONTRACT.md.

Exchange rules, each opt-in (without them every output is as before): per
order, stop_price (STOP / STOP_LIMIT: ACCEPTED, then TRIGGERED when a trade
reaches it), display_quantity (ICEBERG), post_only (REJECTED WOULD_TRADE if
it would trade on arrival), stp and action CANCEL_ALL (every resting order
of the trader_id on the instrument, CANCELLED MASS_CANCEL); per job, --stp
(self-trade prevention, CANCELLED SELF_TRADE); per instrument, band_pct in
the reference (REJECTED PRICE_BAND outside ref_price ± band_pct %).

Trading phases (--session, default off): every instrument runs a daily
schedule in event time. PRE_OPEN takes LIMIT GTC/DAY orders (and stops,
cancels, replaces) without matching (MARKET, IOC, FOK, post_only: REJECTED
PRE_OPEN); at the auction time one call auction uncrosses the book at one
price (most volume, then least imbalance, then closest to the last trade
price, ref_price before the first); BUFFER until the open and CLOSED after the close reject NEW and
REPLACE (CLOSED); the close EXPIRES every DAY order (time_in_force "DAY").
halt_pct and halt_for in the reference halt an instrument (HALTED) for
halt_for seconds when a trade would move the price more than halt_pct %
from the last auction price (ref_price before the first; with halt_window,
from the last trade price before the current window of halt_window seconds
began); a call auction ends the halt. Each phase change is a status
record: --status FILE, or the instrument-status topic.

The book feed (market data): after each order that changed a book, one
update with the changed price levels (new total quantity and order count; 0 =
level removed), a per-instrument seq with no gaps (also across restarts) and
the best bid and offer; a snapshot of the top --book-depth levels per side
every --book-snapshot-every updates of an instrument and at the end of a run.
File mode: --book and --book-snapshots; Kafka mode: the book and compacted
book-snapshots topics (--book-topic "" --book-snapshots-topic "" turn it
off), in the same transaction as the trades; with --batch-dir also the Arrow
"book" dataset. Join protocol: docs/CONTRACT.md.`,
		Example: `  bourse produce --count 1000 --out orders.jsonl
  bourse match --in orders.jsonl --out trades.jsonl --events events.jsonl
  bourse match --in orders.jsonl --out trades.jsonl --book book.jsonl --book-snapshots snaps.jsonl
  bourse match --in orders.jsonl --events events.jsonl --session nse --status status.jsonl
  bourse match --brokers 127.0.0.1:9092 --batch-dir /data/batches   # bounded Kafka run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg.Kafka)
			sum, err := match.Run(cmd.Context(), cfg, stderr(cmd), slog.Default())
			summarize(cmd, sum.String(), err)
			return err
		},
	}
	fs := cmd.Flags()
	addRunnerFlags(fs, &cfg.Config)
	fs.StringVar(&cfg.Files[record.KindTrade], "out", cfg.Files[record.KindTrade], "trades output (- = stdout)")
	fs.StringVar(&cfg.Files[record.KindEvent], "events", "", "execution reports output")
	fs.StringVar(&cfg.Instruments, "instruments", "", "instruments reference: CSV (symbol,name,tick_size,lot_size,ref_price, optional band_pct: reject limit prices more than band_pct % from ref_price, PRICE_BAND; optional halt_pct and halt_for: with --session, halt for halt_for seconds on a move of more than halt_pct %; optional halt_window: within halt_window seconds) or JSON; default: the instruments topic or the built-in RIL, INFY, ONGC, TCS")
	fs.StringVar(&cfg.Policy, "policy", cfg.Policy, "matching policy: price-time, or exact (the original rule: equal price and quantity only)")
	fs.StringVar(&cfg.STP, "stp", "off", "self-trade prevention for orders without their own \"stp\" field: off, cancel-newest, cancel-oldest or cancel-both (price-time only; CANCELLED, reason SELF_TRADE)")
	fs.StringVar(&cfg.Session, "session", "off", "trading day of every instrument: "+match.SessionSyntax+" (pre-open with a call auction at its end, buffer, continuous, closed; price-time only)")
	fs.StringVar(&cfg.Files[record.KindStatus], "status", "", "file mode: write trading phase changes (--session, halts) as JSON Lines here")
	fs.BoolVar(&cfg.Quiet, "quiet", false, "no human trade lines on stderr")
	fs.StringVar(&cfg.Files[record.KindBook], "book", "", "file mode: write the book feed (one update per order that changed a book: changed levels, seq, best bid/offer) as JSON Lines here")
	fs.StringVar(&cfg.Files[record.KindBookSnapshot], "book-snapshots", "", "file mode: write book snapshots (top --book-depth levels) as JSON Lines here")
	fs.IntVar(&cfg.BookSnapshotEvery, "book-snapshot-every", cfg.BookSnapshotEvery, "emit a book snapshot of an instrument every this many of its book updates (and at the end of a run)")
	fs.IntVar(&cfg.BookDepth, "book-depth", cfg.BookDepth, "levels per side in a book snapshot")
	fs.DurationVar(&cfg.MaxClockSkew, "max-clock-skew", cfg.MaxClockSkew, "reject (CLOCK_SKEW) an order stamped more than this ahead of both its instrument's clock and the reference time (Kafka record timestamp; in file mode the start time); 0 = off")
	return cmd
}

// summarize prints a run's summary line on stderr.
func summarize(cmd *cobra.Command, line string, err error) {
	if !setup.IsUsage(err) {
		cmd.PrintErrln(line)
	}
}
