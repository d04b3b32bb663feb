package windowed

import (
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/pkg/window"
)

// Windows are the window flags the sma and profit jobs share.
type Windows struct {
	Bar      time.Duration
	Window   time.Duration
	Slide    time.Duration
	Lateness time.Duration
	Idle     time.Duration // 0 = never idle: ranks wait for every instrument
}

// DefaultWindows: 1m bars, 10m windows advancing by 5m, no lateness.
func DefaultWindows() Windows {
	return Windows{Bar: time.Minute, Window: 10 * time.Minute, Slide: 5 * time.Minute}
}

// Engine converts the flags into a window.Config and validates it; its
// errors are setup.UsageErrors.
func (w Windows) Engine() (window.Config, error) {
	c := window.Config{
		Bar: w.Bar.Milliseconds(), Window: w.Window.Milliseconds(), Slide: w.Slide.Milliseconds(),
		Lateness: w.Lateness.Milliseconds(), Idle: w.Idle.Milliseconds(),
	}
	if c.Idle == 0 {
		c.Idle = -1 // never idle: exact ranks, whatever the partition interleaving
	}
	if w.Idle < 0 {
		return c, setup.Usagef("--idle", "must be >= 0, got %s", w.Idle)
	}
	if w.Lateness < 0 {
		return c, setup.Usagef("--lateness", "must be >= 0, got %s", w.Lateness)
	}
	return c, setup.Usage("", c.Validate())
}

// Config is what the windowed jobs (sma, profit) take: the runner's
// settings and the window flags.
type Config struct {
	streamjob.Config
	Windows
}

// DefaultConfig returns the runner's and the windows' defaults.
func DefaultConfig() Config {
	return Config{Config: streamjob.Defaults(), Windows: DefaultWindows()}
}

// Validate checks the windows and the runner's settings.
func (c *Config) Validate() error {
	if _, err := c.Engine(); err != nil {
		return err
	}
	return c.Config.Validate()
}
