package main

import (
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bourse/bourse/jobs/produce"
	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/record"
)

func newProduceCmd() *cobra.Command {
	cfg := produce.DefaultConfig()
	var start string
	var seed uint64
	cmd := &cobra.Command{
		Use:   "produce",
		Short: "Write a synthetic order flow (or, with `produce order`, one order)",
		Long: `produce writes a seeded synthetic order flow for the listed instruments: a
random-walk price around each reference price, both sides, a mix of limit,
IOC, FOK and market orders, expiries, cancels and replaces, and several
traders. The same --seed gives the same orders. Each order is echoed as a
human line on stderr (--quiet turns it off). --profile exchange adds the
exchange rules' orders (docs/CONTRACT.md). With --brokers the orders go to
the orders topic, keyed by instrument, and the instruments reference to the
compacted instruments topic.`,
		Example: `  bourse produce --count 1000 --seed 7 --out orders.jsonl
  bourse produce --count 10000 --profile exchange --out orders.jsonl
  bourse produce --count 100000 --rate 20000 --quiet --brokers 127.0.0.1:9092
  bourse produce order --instrument TCS --side buy --qty 5 --price 15.00 --valid-for 5m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg.Kafka)
			cfg.Gen.Seed = seed
			t, err := parseStart(start)
			if err != nil {
				return err
			}
			cfg.Gen.Start = t
			sum, err := produce.Run(cmd.Context(), cfg, stderr(cmd), slog.Default())
			summarize(cmd, sum.String(), err)
			return err
		},
	}
	fs := cmd.PersistentFlags()
	fs.StringVar(&cfg.Out, "out", cfg.Out, "orders output (- = stdout), file mode")
	addKafkaFlags(fs, &cfg.Kafka)
	addTopicFlags(fs, &cfg.Topics)
	fs.StringVar(&cfg.Instruments, "instruments", "", "instruments reference: CSV or JSON file (default: built-in RIL, INFY, ONGC, TCS)")
	fs.BoolVar(&cfg.Quiet, "quiet", false, "no human line per order on stderr")
	fs.StringVar(&cfg.Compression, "compression", cfg.Compression, "Kafka mode: codec of the order batches: lz4, zstd, snappy, gzip or none")
	lf := cmd.Flags()
	lf.IntVar(&cfg.Count, "count", cfg.Count, "number of orders")
	lf.StringVar(&cfg.BatchDir, "batch-dir", "", "also keep the orders as Arrow micro-batches under DIR/orders/dt=YYYY-MM-DD/")
	lf.IntVar(&cfg.BatchSize, "batch-size", cfg.BatchSize, "orders per Arrow micro-batch")
	lf.Float64Var(&cfg.Rate, "rate", 0, "orders per second (0 = as fast as possible)")
	lf.Uint64Var(&seed, "seed", cfg.Gen.Seed, "random seed: the same seed gives the same orders")
	lf.StringVar(&start, "start", time.UnixMilli(cfg.Gen.Start).UTC().Format(time.RFC3339Nano), "order_timestamp of the first order (RFC 3339), or \"now\"")
	lf.Int64Var(&cfg.Gen.Step, "step-ms", cfg.Gen.Step, "mean simulated milliseconds between orders")
	lf.IntVar(&cfg.Gen.Traders, "traders", cfg.Gen.Traders, "number of traders")
	lf.Uint64Var(&cfg.Gen.FirstID, "first-id", cfg.Gen.FirstID, "id of the first order")
	lf.IntVar(&cfg.Gen.ExpiringPct, "expiring-pct", cfg.Gen.ExpiringPct, "percent of GTC orders with an expires_at")
	lf.StringVar(&cfg.Gen.Profile, "profile", "", "flow profile: empty (default) or exchange: also icebergs, post-only orders, stops, per-order self-trade prevention and CANCEL_ALL, with cancels and replaces aimed at orders still live under match's defaults")
	m := &cfg.Gen.Mix
	lf.IntVar(&m.Limit, "mix-limit", m.Limit, "weight of GTC limit orders")
	lf.IntVar(&m.IOC, "mix-ioc", m.IOC, "weight of IOC limit orders")
	lf.IntVar(&m.FOK, "mix-fok", m.FOK, "weight of FOK limit orders")
	lf.IntVar(&m.Market, "mix-market", m.Market, "weight of market orders")
	lf.IntVar(&m.Cancel, "mix-cancel", m.Cancel, "weight of cancels")
	lf.IntVar(&m.Replace, "mix-replace", m.Replace, "weight of replaces")
	cmd.AddCommand(newOrderCmd(&cfg))
	return cmd
}

func parseStart(s string) (int64, error) {
	if s == "now" {
		return time.Now().UnixMilli(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, setup.Usagef("--start", "must be RFC 3339 or \"now\", got %q", s)
	}
	return t.UnixMilli(), nil
}

func newOrderCmd(cfg *produce.Config) *cobra.Command {
	var (
		instrument, side, price, qty, typ, tif, action, trader string
		id                                                     uint64
		validFor                                               time.Duration
	)
	cmd := &cobra.Command{
		Use:   "order",
		Short: "Write one order, now",
		Example: `  bourse produce order --instrument TCS --side buy --qty 5 --price 15.00 --valid-for 5m
  bourse produce order --instrument TCS --side sell --qty 10 --type market --brokers 127.0.0.1:9092
  bourse produce order --instrument TCS --action cancel --id 1700000000123`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kafkaCredentials(&cfg.Kafka)
			now := time.Now().UTC()
			o := record.Order{ID: id, Instrument: strings.ToUpper(instrument), Time: now.UnixMilli(), TraderID: trader}
			if o.ID == 0 {
				o.ID = uint64(now.UnixMicro())
			}
			var err error
			if o.Side, err = parseEnum(side, "--side", map[string]record.Side{"BUY": record.Buy, "SELL": record.Sell, "": 0}); err != nil {
				return err
			}
			if o.Type, err = parseEnum(typ, "--type", map[string]record.OrderType{"LIMIT": record.Limit, "MARKET": record.Market}); err != nil {
				return err
			}
			if o.TIF, err = parseEnum(tif, "--tif", map[string]record.TimeInForce{"GTC": record.GTC, "IOC": record.IOC, "FOK": record.FOK, "DAY": record.DAY}); err != nil {
				return err
			}
			if o.Action, err = parseEnum(action, "--action", map[string]record.Action{"NEW": record.New, "CANCEL": record.Cancel, "REPLACE": record.Replace}); err != nil {
				return err
			}
			if o.Action != record.Cancel && o.Side == 0 {
				return setup.Usagef("--side", "buy|sell is required")
			}
			for _, f := range []struct {
				name, text string
				dst        *record.Fixed
			}{{"--price", price, &o.Price}, {"--qty", qty, &o.Quantity}} {
				if f.text == "" {
					continue
				}
				v, perr := record.ParseFixed([]byte(f.text))
				if perr != nil || v <= 0 {
					return setup.Usagef(f.name, "must be a number > 0, got %q", f.text)
				}
				*f.dst = v
			}
			if validFor > 0 {
				o.ExpiresAt = now.Add(validFor).UnixMilli()
			}
			if o.Instrument == "" {
				return setup.Usagef("--instrument", "is required")
			}
			return produce.WriteOrder(cmd.Context(), *cfg, &o, stderr(cmd))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&instrument, "instrument", "", "instrument symbol, e.g. TCS")
	fs.StringVar(&side, "side", "", "buy or sell")
	fs.StringVar(&qty, "qty", "", "quantity")
	fs.StringVar(&price, "price", "", "limit price (not for market orders)")
	fs.StringVar(&typ, "type", "limit", "limit or market")
	fs.StringVar(&tif, "tif", "gtc", "time in force: gtc, ioc, fok or day (expires at the close under match --session)")
	fs.StringVar(&action, "action", "new", "new, cancel or replace")
	fs.Uint64Var(&id, "id", 0, "order id (default: derived from the current time)")
	fs.StringVar(&trader, "trader", "", "trader id")
	fs.DurationVar(&validFor, "valid-for", 0, "the order expires this long from now (0 = good till cancelled)")
	return cmd
}

func parseEnum[T any](s, flag string, values map[string]T) (T, error) {
	v, ok := values[strings.ToUpper(s)]
	if !ok {
		keys := make([]string, 0, len(values))
		for k := range values {
			if k != "" {
				keys = append(keys, strings.ToLower(k))
			}
		}
		var zero T
		return zero, setup.Usagef(flag, "must be one of %s, got %q", strings.Join(sortedStrings(keys), ", "), s)
	}
	return v, nil
}
