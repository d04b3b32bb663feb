package streamjob

import (
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// Files are the file-mode output paths of a job, by kind: "-" is stdout,
// "" writes nothing of that kind.
type Files [record.NumKinds]string

// Config is what every stream job takes besides its own rules.
type Config struct {
	// In is the file-mode input: a JSON Lines path ("-" = stdin), an .arrow
	// or .parquet file, or a dataset directory of them.
	In    string
	Files Files
	// BatchDir, when set, keeps every output batch as Arrow IPC files.
	BatchDir string
	// BatchLines is the number of input lines per micro-batch in file mode
	// (stream.DefaultBatchLines when not > 0).
	BatchLines int

	// Kafka mode is on when Kafka.Brokers is set.
	Kafka  kafka.Config
	Topics kafka.Topics
	Group  string // consumer group; default "bourse-<job>"
	// StateTopic is the compacted snapshot topic; default
	// "bourse-<job>-state". It is created when missing, with as many
	// partitions as the input.
	StateTopic string
	// TransactionalID names this instance's transactional producer; a
	// restarted instance with the same id fences its crashed predecessor.
	// Default "bourse-<group>-<hostname>"; instances of one group need
	// distinct ids.
	TransactionalID string
	Follow          bool
	// SessionTimeout is how long a crashed instance keeps its partitions
	// before the group hands them to another (Kafka allows 6s and up).
	SessionTimeout time.Duration
	// FinishTimeout (bounded runs) is how long a run whose own partitions
	// are done waits, without progress, for the group to finish the rest
	// before it exits non-zero; default SessionTimeout + 30s.
	FinishTimeout time.Duration
	// Threads is how many group members this process runs in Kafka mode,
	// each with its own transactional producer, so that the partitions it
	// owns are processed in parallel (kafka.RunConfig.Threads). profit,
	// which ranks across all partitions, runs one.
	Threads int
	// Restarts is how many times in a row a Kafka-mode run that failed
	// with a transient error (a failed produce, the broker unreachable, a
	// transaction of unknown outcome) is restarted in this process from
	// the committed state (kafka.RunConfig.Restarts); 0 fails at once.
	Restarts       int
	CommitInterval time.Duration
	CommitRecords  int
	// Compression is the codec of the output batches: lz4 (default), zstd,
	// snappy, gzip or none.
	Compression string
	MetricsAddr string
}

// maxThreads bounds --threads: each thread is a group member with its own
// connections and transactional id.
const maxThreads = 64

// DefaultRestarts is the default of --restarts.
const DefaultRestarts = 5

// Defaults returns a Config with the defaults the CLI shows.
func Defaults() Config {
	return Config{
		In:             "-",
		BatchLines:     stream.DefaultBatchLines,
		Topics:         kafka.DefaultTopics(),
		CommitInterval: kafka.DefaultCommitInterval,
		CommitRecords:  kafka.DefaultCommitRecords,
		SessionTimeout: kafka.DefaultSessionTimeout,
		Compression:    kafka.DefaultCompression,
		Threads:        1,
		Restarts:       DefaultRestarts,
	}
}

// KafkaMode reports whether the job runs on Kafka.
func (c *Config) KafkaMode() bool { return len(c.Kafka.Brokers) > 0 }

// Validate checks the configuration and changes nothing; its errors are
// setup.UsageErrors.
func (c *Config) Validate() error {
	if c.KafkaMode() {
		if c.CommitInterval <= 0 {
			return setup.Usagef("--commit-interval", "must be > 0, got %s", c.CommitInterval)
		}
		if c.Threads < 1 || c.Threads > maxThreads {
			return setup.Usagef("--threads", "must be 1 to %d, got %d", maxThreads, c.Threads)
		}
		if c.Restarts < 0 {
			return setup.Usagef("--restarts", "must be >= 0, got %d", c.Restarts)
		}
		if c.CommitRecords <= 0 {
			return setup.Usagef("--commit-records", "must be > 0, got %d", c.CommitRecords)
		}
		return setup.Usage("", c.Kafka.Validate())
	}
	if c.Follow {
		return setup.Usagef("--follow", "needs --brokers (Kafka mode)")
	}
	if c.In == "" {
		return setup.Usagef("--in", "must name a file, a directory or - for stdin")
	}
	return nil
}
