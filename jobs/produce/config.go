package produce

import (
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/kafka"
)

// Config configures the producer.
type Config struct {
	Out         string // JSON Lines path ("-" = stdout) in file mode
	Kafka       kafka.Config
	Topics      kafka.Topics
	Instruments string
	Count       int
	Rate        float64 // orders per second; 0 = as fast as possible
	Gen         flow.Config
	Quiet       bool
	// BatchDir, when set, also keeps the orders as Arrow micro-batches
	// (dataset orders), BatchSize orders a file.
	BatchDir  string
	BatchSize int
	// Compression is the codec of the order batches on Kafka.
	Compression string
}

// DefaultConfig: 1000 orders to stdout as fast as possible, seed 1.
func DefaultConfig() Config {
	return Config{Out: "-", Topics: kafka.DefaultTopics(), Count: 1000, Gen: flow.DefaultConfig(), BatchSize: 100_000,
		Compression: kafka.DefaultCompression}
}

// Validate checks the configuration and changes nothing; its errors are
// setup.UsageErrors.
func (c *Config) Validate() error {
	if c.Count < 0 {
		return setup.Usagef("--count", "must be >= 0, got %d", c.Count)
	}
	if c.Rate < 0 {
		return setup.Usagef("--rate", "must be >= 0, got %g", c.Rate)
	}
	if err := c.Gen.Validate(); err != nil {
		return setup.Usage("", err)
	}
	if len(c.Kafka.Brokers) > 0 {
		return setup.Usage("", c.Kafka.Validate())
	}
	if c.Out == "" {
		return setup.Usagef("--out", "must name a file or - for stdout")
	}
	return nil
}

// pacer spaces writes to honour a rate.
type pacer struct {
	start time.Time
	rate  float64
}

// wait blocks until the i-th record may be sent.
func (p pacer) wait(i int) {
	if p.rate <= 0 {
		return
	}
	due := p.start.Add(time.Duration(float64(i) / p.rate * float64(time.Second)))
	if d := time.Until(due); d > 0 {
		time.Sleep(d)
	}
}
