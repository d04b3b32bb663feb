package match

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

// Job declares the match job: orders in; trades, execution reports, the
// book feed and (with --session) the trading phase changes out.
var Job = streamjob.Job{
	Name:    "match",
	Input:   streamjob.Orders,
	Outputs: []record.Kind{record.KindTrade, record.KindEvent, record.KindBook, record.KindBookSnapshot, record.KindStatus},
}

// Run runs the match job: orders from cfg.In (or the orders topic) to
// trades and execution reports. Human trade lines go to human unless
// cfg.Quiet.
func Run(ctx context.Context, cfg Config, human io.Writer, log *slog.Logger) (streamjob.Summary, error) {
	if err := cfg.Validate(); err != nil {
		return streamjob.Summary{Job: Job.Name}, err
	}
	policy, _ := cfg.policy()
	if cfg.Now.IsZero() {
		cfg.Now = time.Now() // once, at start: the clock rule's file-mode reference
	}
	ins, err := setup.LoadInstruments(ctx, setup.InstrumentsFrom{File: cfg.Instruments, Kafka: cfg.Kafka, Topic: cfg.Topics.Instruments}, log)
	if err != nil {
		return streamjob.Summary{Job: Job.Name}, err
	}
	warnHaltsOff(cfg, ins, log)
	job := Job
	job.Factory = Factory(ins, policy, cfg.options())
	if !cfg.Quiet && human != nil {
		h := NewHumanLines(human)
		defer h.Flush()
		job.Human = h
	}
	return streamjob.Run(ctx, cfg.Config, job, log)
}

// warnHaltsOff logs the instruments whose halt_pct is not applied: halts
// need a session (they end with a call auction).
func warnHaltsOff(cfg Config, ins *record.Instruments, log *slog.Logger) {
	if cfg.options().Session != (book.Session{}) {
		return
	}
	for _, in := range ins.List() {
		if in.HaltPct != 0 {
			log.Warn("halt_pct not applied without --session", "instrument", in.Symbol, "halt_pct", in.HaltPct.String())
		}
	}
}
