package match

import (
	"strings"
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

// Config configures the match job.
type Config struct {
	streamjob.Config
	// Instruments is a CSV or JSON instruments file; empty = the
	// instruments topic (Kafka mode) or the built-in list.
	Instruments string
	// Policy is "price-time" (default) or "exact" (the original rule: equal
	// price and quantity, oldest first, full fills only), as book.ParsePolicy
	// reads it.
	Policy string
	// STP is the self-trade prevention mode of orders without their own
	// "stp": off (default), cancel-newest, cancel-oldest or cancel-both
	// (CANCEL_NEWEST ... also read). Price-time only.
	STP string
	// Session is the trading day of every instrument (ParseSession):
	// "" or off (default: always continuous), a preset (nse) or
	// PREOPEN-AUCTION/OPEN-CLOSE@OFFSET. Price-time only.
	Session string
	// Quiet turns off the human line per trade on stderr.
	Quiet bool
	// MaxClockSkew is how far an order's timestamp may run ahead of both
	// its instrument's clock and the reference time (the Kafka record
	// timestamp, or Now in file mode) before the order is REJECTED with
	// CLOCK_SKEW; such an order never moves the clock. 0 turns the rule off.
	MaxClockSkew time.Duration
	// Now is the file-mode reference time, read once at start (Run uses
	// the wall clock when it is zero); the core never reads a clock.
	Now time.Time
	// BookSnapshotEvery is the number of book updates of an instrument
	// between two book snapshots; BookDepth the levels per side in one.
	// The feed is on in file mode when the book or book snapshot file is
	// set, in Kafka mode when its topic is.
	BookSnapshotEvery int
	BookDepth         int
}

// DefaultMaxClockSkew is the default of Config.MaxClockSkew.
const DefaultMaxClockSkew = 24 * time.Hour

// DefaultConfig returns the match job's defaults: trades to stdout.
func DefaultConfig() Config {
	c := Config{Config: streamjob.Defaults(), Policy: "price-time", MaxClockSkew: DefaultMaxClockSkew,
		BookSnapshotEvery: DefaultBookSnapshotEvery, BookDepth: DefaultBookDepth}
	c.Files[record.KindTrade] = "-"
	return c
}

// Validate checks the configuration and changes nothing.
func (c *Config) Validate() error {
	p, err := c.policy()
	if err != nil {
		return err
	}
	m, err := c.stp()
	if err != nil {
		return err
	}
	if m != book.STPOff && p == book.Exact {
		return setup.Usagef("--stp", "needs --policy price-time, got --policy exact")
	}
	sess, err := ParseSession(c.Session)
	if err != nil {
		return err
	}
	if sess != (book.Session{}) && p == book.Exact {
		return setup.Usagef("--session", "needs --policy price-time, got --policy exact")
	}
	if c.BookSnapshotEvery <= 0 {
		return setup.Usagef("--book-snapshot-every", "must be > 0, got %d", c.BookSnapshotEvery)
	}
	if c.BookDepth <= 0 || c.BookDepth > MaxBookDepth {
		return setup.Usagef("--book-depth", "must be 1..%d, got %d", MaxBookDepth, c.BookDepth)
	}
	if c.MaxClockSkew < 0 {
		return setup.Usagef("--max-clock-skew", "must be >= 0 (0 = off), got %s", c.MaxClockSkew)
	}
	return c.Config.Validate()
}

// stp parses STP with book.ParseSTP, also in the wire's spelling.
func (c *Config) stp() (book.STPMode, error) {
	m, err := book.ParseSTP(strings.ReplaceAll(strings.ToLower(c.STP), "_", "-"))
	if err != nil {
		return 0, setup.Usagef("--stp", "must be off, cancel-newest, cancel-oldest or cancel-both, got %q", c.STP)
	}
	return m, nil
}

// options are the processor's settings: the skew in ms, Now (Unix ms),
// the self-trade prevention mode and the session.
func (c *Config) options() Options {
	m, _ := c.stp()
	sess, _ := ParseSession(c.Session)
	o := Options{MaxClockSkew: c.MaxClockSkew.Milliseconds(), STP: m, Session: sess,
		Feed: FeedOptions{On: c.feedOn(), SnapshotEvery: uint64(c.BookSnapshotEvery), Depth: c.BookDepth}}
	if !c.Now.IsZero() {
		o.Now = c.Now.UnixMilli()
	}
	return o
}

// policy parses Policy with book.ParsePolicy.
func (c *Config) policy() (book.Policy, error) {
	p, err := book.ParsePolicy(c.Policy)
	if err != nil {
		return 0, setup.Usagef("--policy", "must be price-time or exact, got %q", c.Policy)
	}
	return p, nil
}

// MaxBookDepth caps --book-depth: a snapshot stays a small record.
const MaxBookDepth = 1000

// feedOn reports whether the book feed has somewhere to go.
func (c *Config) feedOn() bool {
	if c.KafkaMode() {
		return c.Topics.Out[record.KindBook] != "" || c.Topics.Out[record.KindBookSnapshot] != ""
	}
	return c.Files[record.KindBook] != "" || c.Files[record.KindBookSnapshot] != ""
}
