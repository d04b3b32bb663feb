package profit

import (
	"context"
	"log/slog"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/jobs/windowed"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/window"
)

// Config configures the profit job.
type Config struct {
	windowed.Config
	// Instruments is the instruments reference (file); empty = the
	// instruments topic (Kafka mode) or the built-in list. A window is
	// ranked once every listed instrument has passed it (or is --idle).
	Instruments string
}

// DefaultConfig returns the defaults: profit lines to stdout.
func DefaultConfig() Config {
	c := Config{Config: windowed.DefaultConfig()}
	c.Files[record.KindProfit] = "-"
	return c
}

// Job declares the profit job: trades in; ranked profit windows and rejects
// out. It ranks across instruments, so it is Global.
var Job = streamjob.Job{
	Name:    "profit",
	Input:   streamjob.Records(record.KindTrade),
	Outputs: []record.Kind{record.KindProfit, record.KindReject},
	Global:  true,
}

// Run runs the profit job.
func Run(ctx context.Context, cfg Config, log *slog.Logger) (streamjob.Summary, error) {
	if err := cfg.Validate(); err != nil {
		return streamjob.Summary{Job: Job.Name}, err
	}
	wc, _ := cfg.Engine()
	ins, err := setup.LoadInstruments(ctx, setup.InstrumentsFrom{File: cfg.Instruments, Kafka: cfg.Kafka, Topic: cfg.Topics.Instruments}, log)
	if err != nil {
		return streamjob.Summary{Job: Job.Name}, err
	}
	var expect []string
	for _, in := range ins.List() {
		expect = append(expect, in.Symbol)
	}
	job := Job
	job.Factory = windowed.Factory(wc, window.Options{Profit: true}, expect)
	return streamjob.Run(ctx, cfg.Config.Config, job, log)
}
