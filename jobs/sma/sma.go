package sma

import (
	"context"
	"log/slog"

	"github.com/bourse/bourse/jobs/runner"
	"github.com/bourse/bourse/jobs/windowed"
	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/window"
)

// Config configures the sma job.
type Config = windowed.Config

// DefaultConfig returns the defaults: SMA lines to stdout.
func DefaultConfig() Config {
	c := windowed.DefaultConfig()
	c.Files.SMA = "-"
	return c
}

// Run runs the sma job.
func Run(ctx context.Context, cfg Config, log *slog.Logger) (runner.Summary, error) {
	if err := cfg.Validate(); err != nil {
		return runner.Summary{Job: "sma"}, err
	}
	wc, _ := cfg.Engine()
	job := runner.Job{
		Name:    "sma",
		Factory: windowed.Factory(wc, window.Options{Bars: true, SMA: true}, nil),
		Input:   func(t kafka.Topics) string { return t.Trades },
		Outputs: func(t kafka.Topics) kafka.Topics {
			return kafka.Topics{SMA: t.SMA, Bars: t.Bars, Rejects: t.Rejects}
		},
		InputDataset: "trades",
		Datasets:     []columnar.Dataset{columnar.SMAs, columnar.Bars, columnar.Rejects},
	}
	return runner.Run(ctx, cfg.Config, job, log)
}
