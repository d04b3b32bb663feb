// Package kafka is bourse's Kafka plumbing and the only package that
// imports franz-go: connection config, topic creation, an idempotent
// producer, a Sink that writes domain records as JSON, topic readers, an
// embedded broker for the demo, and Run, the exactly-once runner shared by
// the match, sma and profit jobs.
//
// # Config
//
// Config holds connection settings only (brokers, TLS files, SASL PLAIN or
// SCRAM; the password from BOURSE_SASL_PASSWORD, redacted by String and
// LogValue). Config.Opts is the one function that turns it into kgo
// options; every client in the package starts from it.
//
// # Exactly-once runner
//
// Run consumes the input topic in a consumer group (one per job) through a
// kgo.GroupTransactSession, reading with read_committed. Without a batch
// sink, records are fed to their partition's stream.Processor as soon as
// they are polled, inside the open transaction, so processing overlaps the
// wait for the next commit. With a batch sink (--batch-dir), records are
// queued per partition and processed partition by partition when the
// transaction is due, so that each partition's outputs form one contiguous
// offset range per batch file. A transaction is due CommitInterval after
// the previous one started (at once after a quiet spell) or after
// CommitRecords records. At commit, Run calls BatchSink.Flush for each
// partition's offset range and produces each touched processor's snapshot
// with the next input offset to the compacted state topic
// (bourse-<job>-state, key "<group>/<topic>/<partition>", in state
// partition = input partition; large snapshots are split into chunks that
// the manifest names by content hash). One transaction thus holds the
// outputs, the consumed offsets and the snapshots: all become visible
// together or not at all. A run that ends waits until the broker has
// written its last transaction's markers, so a reader started right after
// sees everything the run committed.
//
// If a transaction does not commit (a rebalance, or a failed offset
// commit), the session rewinds the consumer to the committed offsets and
// Run restores every processor from the in-memory copy of its last
// committed snapshot, so the redone work starts from the same state and
// gives the same outputs. Any revocation is handled the same way before
// the revoked partitions are dropped.
//
// When partitions are assigned (at start or in a rebalance), Run fetches
// the group's committed offsets (require-stable), reads the matching state
// partitions to their end (read_committed, last value per key wins) and
// restores the processors. The snapshot's offset must equal the committed
// offset; if not, Run fails with ErrStateMismatch rather than replay or
// skip. A restart therefore costs one snapshot read, not a replay. Before
// each commit Run also checks that the offsets the session will commit are
// the ones recorded in the snapshots.
//
// Control records (transaction markers) are kept and counted as consumed,
// so positions reach the last stable offset exactly.
//
// # Bounded and follow
//
// With Follow false (the Airflow micro-batch), Run lists the input's last
// stable offsets at start and returns nil once every partition it owns is
// processed and committed to them (partitions with nothing to read are done
// at once; a run that owns nothing stops when the group's commits reach the
// end offsets). With Follow true it runs until ctx is cancelled, then
// commits what it has polled and returns nil.
//
// # Global mode
//
// A Global job (profit ranks across instruments) has one Processor for all
// partitions, snapshotted under "<group>/<topic>/global" in state
// partition 0 with every partition's next offset. It must own every input
// partition; a split assignment fails with ErrGlobalSplit, so run one
// instance.
//
// # Transactional ids and crashes
//
// A restarted instance with the same RunConfig.TransactionalID fences its
// crashed predecessor and aborts its open transaction at once; with another
// id the dead transaction blocks read_committed readers until
// TransactionTimeout. A crashed member keeps its partitions until
// SessionTimeout.
package kafka
