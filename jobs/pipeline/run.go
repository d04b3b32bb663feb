package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/jobs/produce"
	"github.com/bourse/bourse/jobs/profit"
	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/jobs/sma"
	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// Config configures `bourse run`.
type Config struct {
	Kafka      kafka.Config // no brokers = embedded broker
	Partitions int32
	Count      int
	Seed       uint64
	BatchDir   string
}

// DefaultConfig: 60,000 orders (about 50 minutes of simulated trading) on
// an embedded broker with 6 partitions.
func DefaultConfig() Config {
	return Config{Partitions: 6, Count: 60_000, Seed: 1}
}

// Result is what the run produced.
type Result struct {
	Orders  int
	Match   streamjob.Summary
	SMA     streamjob.Summary
	Profit  streamjob.Summary
	LastSMA []record.SMA    // the last window of each instrument
	Top     []record.Profit // rank 1 of each window, by window
	Reasons map[string]int  // REJECTED execution reports by reason
	Elapsed time.Duration
}

// Run runs the pipeline and writes the summary to w.
func Run(ctx context.Context, cfg Config, w io.Writer, log *slog.Logger) (Result, error) {
	start := time.Now()
	var res Result
	if cfg.Count < 1 || cfg.Partitions < 1 {
		return res, setup.Usagef("", "--count and --partitions must be >= 1")
	}
	if len(cfg.Kafka.Brokers) == 0 {
		brokers, stop, err := kafka.StartEmbedded(cfg.Partitions)
		if err != nil {
			return res, fmt.Errorf("start embedded broker: %w", err)
		}
		defer stop()
		cfg.Kafka.Brokers = brokers
		log.Info("embedded broker started", "brokers", brokers)
	}
	topics := kafka.DefaultTopics()
	names, compacted := topics.Layout(JobNames()...)
	if err := kafka.CreateTopics(ctx, cfg.Kafka, names, cfg.Partitions, 1, compacted); err != nil {
		return res, err
	}

	pc := produce.DefaultConfig()
	pc.Kafka, pc.Count, pc.Gen.Seed, pc.Quiet = cfg.Kafka, cfg.Count, cfg.Seed, true
	ps, err := produce.Run(ctx, pc, nil, log)
	if err != nil {
		return res, fmt.Errorf("produce: %w", err)
	}
	res.Orders = ps.Orders
	log.Info(ps.String())

	base := streamjob.Defaults()
	base.Kafka, base.BatchDir = cfg.Kafka, cfg.BatchDir
	mc := match.DefaultConfig()
	mc.Config, mc.Quiet = base, true
	if res.Match, err = match.Run(ctx, mc, nil, log); err != nil {
		return res, fmt.Errorf("match: %w", err)
	}
	log.Info(res.Match.String())

	sc, pfc := sma.DefaultConfig(), profit.DefaultConfig()
	sc.Config, pfc.Config.Config = base, base
	errs := make(chan error, 2)
	go func() { var e error; res.SMA, e = sma.Run(ctx, sc, log); errs <- e }()
	go func() { var e error; res.Profit, e = profit.Run(ctx, pfc, log); errs <- e }()
	for range 2 {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	if err != nil {
		return res, err
	}
	log.Info(res.SMA.String())
	log.Info(res.Profit.String())

	if res.LastSMA, res.Top, err = collect(ctx, cfg.Kafka, topics); err != nil {
		return res, err
	}
	if res.Reasons, err = rejectReasons(ctx, cfg.Kafka, topics.Out[record.KindEvent]); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(start)
	printSummary(w, &res)
	return res, nil
}

// collect reads the committed sma and profit topics.
func collect(ctx context.Context, kc kafka.Config, t kafka.Topics) ([]record.SMA, []record.Profit, error) {
	last := map[string]record.SMA{}
	err := kafka.ReadValues(ctx, kc, t.Out[record.KindSMA], func(_, v []byte) {
		var s record.SMA
		if record.DecodeSMA(v, &s) == nil {
			if cur, ok := last[s.Instrument]; !ok || s.WindowStart >= cur.WindowStart {
				last[s.Instrument] = s
			}
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", t.Out[record.KindSMA], err)
	}
	var top []record.Profit
	err = kafka.ReadValues(ctx, kc, t.Out[record.KindProfit], func(_, v []byte) {
		var p record.Profit
		if record.DecodeProfit(v, &p) == nil && p.Rank == 1 {
			top = append(top, p)
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", t.Out[record.KindProfit], err)
	}
	sort.Slice(top, func(i, j int) bool { return top[i].WindowStart < top[j].WindowStart })
	smas := make([]record.SMA, 0, len(last))
	for _, s := range last {
		smas = append(smas, s)
	}
	sort.Slice(smas, func(i, j int) bool { return smas[i].Instrument < smas[j].Instrument })
	return smas, top, nil
}

// rejectReasons counts the REJECTED execution reports by reason.
func rejectReasons(ctx context.Context, kc kafka.Config, topic string) (map[string]int, error) {
	n := map[string]int{}
	var ev record.Event
	err := kafka.ReadValues(ctx, kc, topic, func(_, v []byte) {
		if record.DecodeEvent(v, &ev) == nil && ev.Type == record.Rejected {
			n[ev.Reason]++
		}
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", topic, err)
	}
	return n, nil
}

func printSummary(w io.Writer, r *Result) {
	if w == nil {
		return
	}
	c := r.Match.Out
	fmt.Fprintf(w, "\nbourse run: %d orders -> %d trades, %d execution reports, %d rejected (%s)\n",
		r.Orders, c.ByKind[record.KindTrade], c.ByKind[record.KindEvent], c.Rejected, r.Elapsed.Round(time.Millisecond))
	reasons := make([]string, 0, len(r.Reasons))
	for k := range r.Reasons {
		reasons = append(reasons, k)
	}
	sort.Slice(reasons, func(i, j int) bool { return r.Reasons[reasons[i]] > r.Reasons[reasons[j]] })
	for _, k := range reasons {
		note := ""
		if k == record.ReasonUnknownOrder {
			note = " (cancels and replaces of orders already filled or expired)"
		}
		fmt.Fprintf(w, "  rejected %-18s %6d%s\n", k, r.Reasons[k], note)
	}
	fmt.Fprintf(w, "\nlast SMA per instrument (window of bar closes):\n")
	for _, s := range r.LastSMA {
		fmt.Fprintf(w, "  %-6s %s .. %s  sma %s over %d bars\n", s.Instrument, hm(s.WindowStart), hm(s.WindowEnd), s.SMA, s.Bars)
	}
	fmt.Fprintf(w, "\ntop-profit instrument per window:\n")
	for _, p := range r.Top {
		fmt.Fprintf(w, "  %s .. %s  %-6s profit %s (avg open %s, avg close %s)\n", hm(p.WindowStart), hm(p.WindowEnd), p.Instrument, p.Profit, p.AvgOpen, p.AvgClose)
	}
}

func hm(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04") }
