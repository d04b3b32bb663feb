package serve

import (
	"errors"
	"fmt"
	"time"

	"github.com/bourse/bourse/pkg/kafka"
)

// ErrUsage is wrapped by every configuration error (the CLI's exit code 2).
var ErrUsage = errors.New("usage")

// Config configures the serve job.
type Config struct {
	Kafka  kafka.Config
	Topics kafka.Topics // reads Trades, Events, Bars, SMA, Profit; writes Orders

	Addr        string // listen address, e.g. ":8080"
	Tokens      string // tokens file: trader_id,sha256 lines (a mounted Secret works)
	Instruments string // instruments file for order validation; empty = built-in list

	History    int           // stream events held for resuming clients
	Trades     int           // recent trades kept per instrument
	Series     int           // bars, SMA and profit windows kept per instrument
	Orders     int           // finished orders kept per trader
	Rate       float64       // requests a second per token
	Burst      int           // token bucket size per token
	MaxBody    int64         // request body limit in bytes
	Heartbeat  time.Duration // stream comment interval
	Coalesce   time.Duration // least time between two writes to one stream client
	TokenCheck time.Duration // how often the tokens file is checked for changes
}

// Defaults returns the defaults the CLI shows.
func Defaults() Config {
	return Config{
		Topics:     kafka.DefaultTopics(),
		Addr:       ":8080",
		History:    65536,
		Trades:     500,
		Series:     500,
		Orders:     1000,
		Rate:       20,
		Burst:      40,
		MaxBody:    4096,
		Heartbeat:  15 * time.Second,
		Coalesce:   25 * time.Millisecond,
		TokenCheck: 5 * time.Second,
	}
}

// Validate checks the configuration; its errors wrap ErrUsage.
func (c *Config) Validate() error {
	if err := c.Kafka.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if c.Addr == "" {
		return fmt.Errorf("%w: --addr: expected host:port or :port, got nothing", ErrUsage)
	}
	if c.Tokens == "" {
		return fmt.Errorf("%w: --tokens: expected the tokens file (create one with `bourse serve token add`), got nothing", ErrUsage)
	}
	if c.Topics.Orders == "" || c.Topics.Trades == "" || c.Topics.Events == "" {
		return fmt.Errorf("%w: the orders, trades and order-events topics must be named", ErrUsage)
	}
	return c.checkLimits()
}

// checkLimits validates the sizes and rates (also used by New).
func (c *Config) checkLimits() error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"--history", int64(c.History)}, {"--keep-trades", int64(c.Trades)}, {"--keep-series", int64(c.Series)},
		{"--keep-orders", int64(c.Orders)}, {"--burst", int64(c.Burst)}, {"--max-body", c.MaxBody}} {
		if f.v <= 0 {
			return fmt.Errorf("%w: %s must be > 0, got %d", ErrUsage, f.name, f.v)
		}
	}
	if c.Rate <= 0 {
		return fmt.Errorf("%w: --rate must be > 0 requests a second, got %g", ErrUsage, c.Rate)
	}
	if c.Coalesce < 0 || c.Coalesce > time.Second {
		return fmt.Errorf("%w: --coalesce must be from 0 to 1s, got %s", ErrUsage, c.Coalesce)
	}
	if c.Heartbeat <= 0 {
		return fmt.Errorf("%w: --heartbeat must be > 0, got %s", ErrUsage, c.Heartbeat)
	}
	return nil
}
