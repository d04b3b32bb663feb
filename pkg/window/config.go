package window

import (
	"errors"
	"fmt"
)

// Time spans, in milliseconds.
const (
	Second int64 = 1000
	Minute       = 60 * Second
	Hour         = 60 * Minute
	Day          = 24 * Hour

	// MaxSpan bounds Bar, Window, Slide and Lateness (366 days), so that
	// window arithmetic on any accepted timestamp stays far from overflow.
	MaxSpan = 366 * Day
	// MaxTime is the latest trade time accepted (9999-12-31T23:59:59.999Z).
	MaxTime int64 = 253402300799999
)

// ErrConfig is wrapped by every error Config.Validate returns.
var ErrConfig = errors.New("invalid window config")

// Config sets the bar length, the hopping windows and the watermark rules.
// All fields are in milliseconds.
type Config struct {
	// Bar is the bar length; bars are aligned to the epoch: [k*Bar, (k+1)*Bar).
	Bar int64
	// Window is the length of a hopping window, a multiple of Bar, >= Slide.
	Window int64
	// Slide is how far consecutive windows start apart, a multiple of Bar.
	// Window k covers [k*Slide, k*Slide+Window).
	Slide int64
	// Lateness is how far an instrument's watermark trails its latest trade
	// time: trades up to Lateness behind it are still mixed into their bar.
	Lateness int64
	// Idle is how far an instrument's watermark may lag the greatest
	// watermark before the ranker stops waiting for it. 0 means Window;
	// a negative value means never: ranks then wait for every instrument
	// (or for Flush).
	Idle int64
}

// DefaultConfig returns 1-minute bars, 10-minute windows sliding by 5
// minutes, no lateness and Idle = Window.
func DefaultConfig() Config {
	return Config{Bar: Minute, Window: 10 * Minute, Slide: 5 * Minute, Lateness: 0, Idle: 10 * Minute}
}

// Validate reports the first rule the config breaks: bar > 0, slide > 0,
// window >= slide, window and slide multiples of bar, all spans at most
// MaxSpan, lateness >= 0.
func (c Config) Validate() error {
	switch {
	case c.Bar <= 0:
		return fmt.Errorf("%w: bar must be > 0 ms, got %d", ErrConfig, c.Bar)
	case c.Slide <= 0:
		return fmt.Errorf("%w: slide must be > 0 ms, got %d", ErrConfig, c.Slide)
	case c.Window < c.Slide:
		return fmt.Errorf("%w: window (%d ms) must be >= slide (%d ms)", ErrConfig, c.Window, c.Slide)
	case c.Window > MaxSpan:
		return fmt.Errorf("%w: window must be <= %d ms (366 days), got %d", ErrConfig, MaxSpan, c.Window)
	case c.Window%c.Bar != 0:
		return fmt.Errorf("%w: window (%d ms) must be a multiple of bar (%d ms)", ErrConfig, c.Window, c.Bar)
	case c.Slide%c.Bar != 0:
		return fmt.Errorf("%w: slide (%d ms) must be a multiple of bar (%d ms)", ErrConfig, c.Slide, c.Bar)
	case c.Lateness < 0:
		return fmt.Errorf("%w: lateness must be >= 0 ms, got %d", ErrConfig, c.Lateness)
	case c.Lateness > MaxSpan:
		return fmt.Errorf("%w: lateness must be <= %d ms (366 days), got %d", ErrConfig, MaxSpan, c.Lateness)
	}
	return nil
}

// idleLimit is the effective Idle: Window when 0, -1 when never.
func (c Config) idleLimit() int64 {
	switch {
	case c.Idle == 0:
		return c.Window
	case c.Idle < 0:
		return -1
	}
	return c.Idle
}

// Options selects the outputs an Engine emits. The sma job wants Bars and
// SMA; the profit job wants Profit (and Bars if it publishes them).
type Options struct {
	Bars   bool // emit each closed bar
	SMA    bool // emit the SMA of each closed (instrument, window)
	Profit bool // rank and emit the profit of each closed window
}

// floorDiv is a/b rounded toward minus infinity, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
