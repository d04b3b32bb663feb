package match

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/bourse/bourse/jobs/runner"
	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/kafka"
)

// Run runs the match job: orders from cfg.In (or the orders topic) to
// trades and execution reports. Human trade lines go to human unless
// cfg.Quiet.
func Run(ctx context.Context, cfg Config, human io.Writer, log *slog.Logger) (runner.Summary, error) {
	if err := cfg.Validate(); err != nil {
		return runner.Summary{Job: "match"}, err
	}
	policy, _ := cfg.policy()
	if cfg.Now.IsZero() {
		cfg.Now = time.Now() // once, at start: the clock rule's file-mode reference
	}
	ins, err := setup.LoadInstruments(ctx, setup.InstrumentsFrom{File: cfg.Instruments, Kafka: cfg.Kafka, Topic: cfg.Topics.Instruments}, log)
	if err != nil {
		return runner.Summary{Job: "match"}, err
	}
	datasets := []columnar.Dataset{columnar.Trades, columnar.Events}
	if cfg.feedOn() {
		datasets = append(datasets, columnar.Book)
	}
	job := runner.Job{
		Name:    "match",
		Factory: Factory(ins, policy, cfg.options()),
		Input:   func(t kafka.Topics) string { return t.Orders },
		Outputs: func(t kafka.Topics) kafka.Topics {
			return kafka.Topics{Trades: t.Trades, Events: t.Events, Book: t.Book, BookSnapshots: t.BookSnapshots}
		},
		InputDataset: "orders",
		Datasets:     datasets,
	}
	if !cfg.Quiet && human != nil {
		h := NewHumanLines(human)
		defer h.Flush()
		job.Human = h
	}
	return runner.Run(ctx, cfg.Config, job, log)
}
