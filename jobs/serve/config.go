package serve

import (
	"errors"
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// Config configures the serve job.
type Config struct {
	Kafka  kafka.Config
	Topics kafka.Topics // reads the output topics of the kinds it streams (TopicKinds); writes Orders

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

	// Connection deadlines and limits (docs/serving.md, "Under attack").
	ReadHeaderTimeout time.Duration // request line and headers
	ReadTimeout       time.Duration // whole request, headers and body
	MinBodyRate       int64         // bytes a second a request body must keep up after BodyGrace
	BodyGrace         time.Duration // time a body may take before MinBodyRate applies
	WriteTimeout      time.Duration // writing an answer (the stream sets its own per flush)
	IdleTimeout       time.Duration // keep-alive connection between requests
	StallTimeout      time.Duration // a stream write that cannot complete for this long disconnects the client
	MaxConns          int           // concurrent connections in total (lowered below RLIMIT_NOFILE at start)
	MaxConnsPerIP     int           // concurrent connections per source address
	UnauthRate        float64       // requests a second per source address without a valid token
	UnauthBurst       int           // bucket size of UnauthRate
	MaxStreams        int           // concurrent streams per token
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

		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		MinBodyRate:       1024,
		BodyGrace:         2 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		StallTimeout:      30 * time.Second,
		MaxConns:          10_000,
		MaxConnsPerIP:     256,
		UnauthRate:        5,
		UnauthBurst:       20,
		MaxStreams:        8,
	}
}

// Validate checks the configuration and changes nothing; its errors are
// setup.UsageErrors.
func (c *Config) Validate() error {
	if err := c.Kafka.Validate(); err != nil {
		return setup.Usage("", err)
	}
	if c.Addr == "" {
		return setup.Usage("--addr", errors.New("expected host:port or :port, got nothing"))
	}
	if c.Tokens == "" {
		return setup.Usage("--tokens", errors.New("expected the tokens file (create one with `bourse serve token add`), got nothing"))
	}
	if c.Topics.Orders == "" || c.Topics.Out[record.KindTrade] == "" || c.Topics.Out[record.KindEvent] == "" {
		return setup.Usagef("", "the orders, trades and order-events topics must be named")
	}
	return c.checkLimits()
}

// checkLimits validates the sizes and rates (also used by New).
func (c *Config) checkLimits() error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"--history", int64(c.History)}, {"--keep-trades", int64(c.Trades)}, {"--keep-series", int64(c.Series)},
		{"--keep-orders", int64(c.Orders)}, {"--burst", int64(c.Burst)}, {"--max-body", c.MaxBody},
		{"--min-body-rate", c.MinBodyRate}, {"--max-conns", int64(c.MaxConns)}, {"--max-conns-per-ip", int64(c.MaxConnsPerIP)},
		{"--unauth-burst", int64(c.UnauthBurst)}, {"--max-streams", int64(c.MaxStreams)}} {
		if f.v <= 0 {
			return setup.Usagef(f.name, "must be > 0, got %d", f.v)
		}
	}
	if c.MaxConnsPerIP > c.MaxConns {
		return setup.Usagef("--max-conns-per-ip", "must be at most --max-conns (%d), got %d", c.MaxConns, c.MaxConnsPerIP)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--read-header-timeout", c.ReadHeaderTimeout}, {"--read-timeout", c.ReadTimeout}, {"--body-grace", c.BodyGrace},
		{"--write-timeout", c.WriteTimeout}, {"--idle-timeout", c.IdleTimeout}, {"--stall-timeout", c.StallTimeout}} {
		if d.v <= 0 {
			return setup.Usagef(d.name, "must be > 0, got %s", d.v)
		}
	}
	if c.ReadHeaderTimeout > c.ReadTimeout {
		return setup.Usagef("--read-header-timeout", "must be at most --read-timeout (%s), got %s", c.ReadTimeout, c.ReadHeaderTimeout)
	}
	if c.UnauthRate <= 0 {
		return setup.Usagef("--unauth-rate", "must be > 0 requests a second, got %g", c.UnauthRate)
	}
	if c.Rate <= 0 {
		return setup.Usagef("--rate", "must be > 0 requests a second, got %g", c.Rate)
	}
	if c.Coalesce < 0 || c.Coalesce > time.Second {
		return setup.Usagef("--coalesce", "must be from 0 to 1s, got %s", c.Coalesce)
	}
	if c.Heartbeat <= 0 {
		return setup.Usagef("--heartbeat", "must be > 0, got %s", c.Heartbeat)
	}
	return nil
}
