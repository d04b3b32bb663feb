package sma

import (
	"context"
	"log/slog"

	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/jobs/windowed"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/window"
)

// Config configures the sma job.
type Config = windowed.Config

// DefaultConfig returns the defaults: SMA lines to stdout.
func DefaultConfig() Config {
	c := windowed.DefaultConfig()
	c.Files[record.KindSMA] = "-"
	return c
}

// Job declares the sma job: trades in; SMA windows, bars and rejects out.
var Job = streamjob.Job{
	Name:    "sma",
	Input:   streamjob.Records(record.KindTrade),
	Outputs: []record.Kind{record.KindSMA, record.KindBar, record.KindReject},
}

// Run runs the sma job.
func Run(ctx context.Context, cfg Config, log *slog.Logger) (streamjob.Summary, error) {
	if err := cfg.Validate(); err != nil {
		return streamjob.Summary{Job: Job.Name}, err
	}
	wc, _ := cfg.Engine()
	job := Job
	job.Factory = windowed.Factory(wc, window.Options{Bars: true, SMA: true}, nil)
	return streamjob.Run(ctx, cfg.Config, job, log)
}
