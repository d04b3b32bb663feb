package match

import (
	"fmt"

	"github.com/bourse/bourse/jobs/runner"
	"github.com/bourse/bourse/pkg/book"
)

// Config configures the match job.
type Config struct {
	runner.Config
	// Instruments is a CSV or JSON instruments file; empty = the
	// instruments topic (Kafka mode) or the built-in list.
	Instruments string
	// Policy is "price-time" (default) or "exact" (the original rule: equal
	// price and quantity, oldest first, full fills only).
	Policy string
	// Quiet turns off the human line per trade on stderr.
	Quiet bool
}

// DefaultConfig returns the match job's defaults: trades to stdout.
func DefaultConfig() Config {
	c := Config{Config: runner.Defaults(), Policy: "price-time"}
	c.Files.Trades = "-"
	return c
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if _, err := c.policy(); err != nil {
		return err
	}
	return c.Config.Validate()
}

func (c *Config) policy() (book.Policy, error) {
	switch c.Policy {
	case "", "price-time":
		return book.PriceTime, nil
	case "exact":
		return book.Exact, nil
	}
	return 0, fmt.Errorf("%w: --policy must be price-time or exact, got %q", runner.ErrUsage, c.Policy)
}
