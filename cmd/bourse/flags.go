package main

import (
	"os"

	"github.com/spf13/pflag"

	"github.com/bourse/bourse/jobs/streamjob"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// addKafkaFlags binds the connection flags. SASL credentials are no flags:
// kafkaCredentials reads them from the environment.
func addKafkaFlags(fs *pflag.FlagSet, c *kafka.Config) {
	fs.StringSliceVar(&c.Brokers, "brokers", nil, "Kafka bootstrap brokers (host:port,...); empty = file mode")
	fs.StringVar(&c.ClientID, "client-id", kafka.DefaultClientID, "Kafka client id")
	fs.BoolVar(&c.TLS, "tls", false, "connect with TLS")
	fs.StringVar(&c.CAFile, "tls-ca", "", "PEM file of CA certificates to trust (with --tls)")
	fs.StringVar(&c.CertFile, "tls-cert", "", "PEM client certificate for mutual TLS")
	fs.StringVar(&c.KeyFile, "tls-key", "", "PEM client key for mutual TLS")
	fs.StringVar(&c.SASLMechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (credentials from BOURSE_SASL_USERNAME / BOURSE_SASL_PASSWORD)")
}

// kafkaCredentials fills the SASL credentials from the environment
// (kafka.CredentialsFromEnv: BOURSE_SASL_USERNAME, BOURSE_SASL_PASSWORD).
func kafkaCredentials(c *kafka.Config) { *c = kafka.CredentialsFromEnv(*c, os.Getenv) }

// addTopicFlags binds the topic names.
func addTopicFlags(fs *pflag.FlagSet, t *kafka.Topics) {
	fs.StringVar(&t.Orders, "orders-topic", t.Orders, "orders topic")
	fs.StringVar(&t.Instruments, "instruments-topic", t.Instruments, "compacted instruments reference topic")
	for k := range record.NumKinds {
		info := k.Info()
		fs.StringVar(&t.Out[k], info.Flag, t.Out[k], info.Help)
	}
}

// addRunnerFlags binds what every stream job shares.
func addRunnerFlags(fs *pflag.FlagSet, c *streamjob.Config) {
	fs.StringVar(&c.In, "in", c.In, "input: JSON Lines file (- = stdin), .arrow or .parquet file, or dataset directory (file mode)")
	fs.StringVar(&c.BatchDir, "batch-dir", "", "also keep every output batch as Arrow IPC files under DIR/<dataset>/dt=YYYY-MM-DD/")
	fs.IntVar(&c.BatchLines, "batch-lines", c.BatchLines, "input lines per Arrow micro-batch (file mode)")
	fs.StringVar(&c.Group, "group", "", "consumer group (default bourse-<job>)")
	fs.StringVar(&c.StateTopic, "state-topic", "", "Kafka mode: compacted snapshot topic (default bourse-<job>-state)")
	fs.StringVar(&c.TransactionalID, "txn-id", "", "transactional id of this instance (default bourse-<group>-<hostname>; distinct per instance)")
	fs.BoolVar(&c.Follow, "follow", false, "Kafka mode: run until SIGINT/SIGTERM instead of stopping at the end offsets seen at start")
	fs.DurationVar(&c.CommitInterval, "commit-interval", c.CommitInterval, "Kafka mode: start a transaction's commit this long after the previous one started (latency vs. throughput)")
	fs.DurationVar(&c.SessionTimeout, "session-timeout", c.SessionTimeout, "Kafka mode: how long a crashed instance that is not restarted keeps its partitions before the group moves them (a restart with the same --txn-id takes them back at once)")
	fs.DurationVar(&c.FinishTimeout, "finish-timeout", 0, "Kafka mode, bounded run: how long to wait without progress for the group to finish every input partition before exiting non-zero (default --session-timeout + 30s)")
	fs.IntVar(&c.Threads, "threads", c.Threads, "Kafka mode: group members run by this process, each with its own transactional producer (--txn-id-<i>), so owned partitions are processed in parallel (profit: 1)")
	fs.IntVar(&c.Restarts, "restarts", c.Restarts, "Kafka mode: restart the run in this process, from the committed state, after a transient Kafka error (failed produce, broker unreachable) up to N times in a row (backoff 1s, 2s, 4s...); 0 = exit non-zero at once")
	fs.IntVar(&c.CommitRecords, "commit-records", c.CommitRecords, "Kafka mode: commit a transaction after this many input records")
	fs.StringVar(&c.Compression, "compression", c.Compression, "Kafka mode: codec of the output batches: lz4, zstd, snappy, gzip or none")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "serve Prometheus metrics on this address, e.g. :9102")
	addKafkaFlags(fs, &c.Kafka)
	addTopicFlags(fs, &c.Topics)
	fs.StringVar(&c.Files[record.KindReject], "rejects", c.Files[record.KindReject], "file mode: write rejected input records as JSON Lines here")
}
