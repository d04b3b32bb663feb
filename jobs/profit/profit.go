package profit

import (
	"context"
	"log/slog"

	"github.com/bourse/bourse/jobs/runner"
	"github.com/bourse/bourse/jobs/windowed"
	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/window"
)

// Config configures the profit job.
type Config struct {
	runner.Config
	windowed.Windows
}

// DefaultConfig returns the defaults: profit lines to stdout.
func DefaultConfig() Config {
	c := Config{Config: runner.Defaults(), Windows: windowed.DefaultWindows()}
	c.Files.Profit = "-"
	return c
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if _, err := c.Engine(); err != nil {
		return err
	}
	return c.Config.Validate()
}

// Run runs the profit job.
func Run(ctx context.Context, cfg Config, log *slog.Logger) (runner.Summary, error) {
	if err := cfg.Validate(); err != nil {
		return runner.Summary{Job: "profit"}, err
	}
	wc, _ := cfg.Engine()
	job := runner.Job{
		Name:    "profit",
		Factory: windowed.Factory(wc, window.Options{Profit: true}),
		Global:  true,
		Input:   func(t kafka.Topics) string { return t.Trades },
		Outputs: func(t kafka.Topics) kafka.Topics {
			return kafka.Topics{Profit: t.Profit, Rejects: t.Rejects}
		},
		InputDataset: "trades",
		Datasets:     []columnar.Dataset{columnar.Profits, columnar.Rejects},
	}
	return runner.Run(ctx, cfg.Config, job, log)
}
