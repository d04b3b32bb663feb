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
// kgo.GroupTransactSession, reading with read_committed. Its loop moves
// between three small parts: assignment (assign.go), the transaction
// cycle (txn.go) and the stop rule (stop.go). There is one processing
// path, whether or not a batch sink is set.
//
// Records are fed to their partition's stream.Processor as soon as they
// are polled, inside the open transaction. Each output goes to the Kafka
// sink and, with a batch sink (--batch-dir), to that partition's buffer,
// tagged with the input offset that produced it (stream.BatchSink.Seek).
// A transaction is due CommitInterval after the previous one ended (at
// once after a quiet spell) or after CommitRecords records. At commit the
// runner stages each touched partition's batch rows as hidden pending
// files named after the partition's offset range and the transaction, and
// produces each touched processor's snapshot — with the next input offset
// and the names of the staged files — to the compacted state topic
// (bourse-<job>-state, key "<group>/<topic>/<partition>", in state
// partition = input partition). Large snapshots are cut into
// content-defined chunks stored under content keys (chunks.go): a commit
// writes only the chunks that changed and tombstones those no longer used,
// so the state written per commit follows what changed, and the compacted
// topic holds the live state. One transaction thus holds the outputs,
// the consumed offsets and the snapshots: all become visible together or
// not at all. Only after the commit are the staged files published
// (renamed to their visible names), so the archive never sees a file of
// an aborted transaction; a crash between the commit and the rename is
// repaired when the partition is next assigned: the files the committed
// snapshot names are published, every other pending file of the partition
// is deleted.
//
// If a transaction does not commit (a rebalance, a failed offset commit,
// a revocation), its staged files are deleted, the session rewinds the
// consumer to the committed offsets and every processor is restored from
// the in-memory copy of its last committed snapshot, so the redone work
// starts from the same state and gives the same outputs.
//
// When partitions are assigned (at start or in a rebalance), Run fetches
// the group's committed offsets (require-stable), reads the matching state
// partitions to their end (read_committed, last value per key wins),
// restores the processors and recovers their batch files. The snapshot's
// offset must equal the committed offset; if not, Run fails with
// ErrStateMismatch rather than replay or skip. A restart therefore costs
// one snapshot read, not a replay. Before each commit Run also checks that
// the offsets the session will commit are the ones recorded in the
// snapshots; a partition revoked or reassigned meanwhile makes the
// transaction abort and roll back instead.
//
// Control records (transaction markers) are kept and counted as consumed,
// so positions reach the last stable offset exactly.
//
// # Bounded and follow
//
// With Follow false (the Airflow micro-batch), Run lists the input's last
// stable offsets at start. It returns nil only when, for every partition
// of the input, the group's committed offset has reached that end offset,
// whoever owned the partition: exit code 0 promises complete output. A
// run whose own partitions are done keeps polling (a rebalance may hand
// it the partitions of a crashed member) and fails with ErrIncomplete,
// naming the unfinished partitions, after FinishTimeout without progress.
// With Follow true it runs until ctx is cancelled, then commits what it
// has polled and returns nil. A run that ends cleanly waits until the
// broker has written its last transaction's markers, so a reader started
// right after sees everything it committed.
//
// # Global mode
//
// A Global job (profit ranks across instruments) has one Processor for all
// partitions, snapshotted under "<group>/<topic>/global" in state
// partition 0 with every partition's next offset. It must own every input
// partition; a split assignment fails with ErrGlobalSplit, so run one
// instance.
//
// # Transactional ids, membership and crashes
//
// RunConfig.TransactionalID is also the member's static group instance id
// (KIP-345). A restarted instance with the same id loads its producer id
// before it joins (fence.go), which aborts the crashed predecessor's open
// transaction at once, and takes its partitions back without waiting for
// the session timeout; with another id the dead transaction keeps the
// group's offsets unstable and blocks read_committed readers until
// TransactionTimeout, and a crashed member keeps its partitions until
// SessionTimeout. The runner loads the producer id again after every
// transaction that did not commit, so that an abort the client deferred
// to its next produce (after a broker outage) is not left open while the
// rejoin waits for stable offsets. A run that ends
// cleanly leaves the group explicitly (static members do not leave on
// close), so that the next run's pod is not kept waiting.
//
// # Restarts after transient faults
//
// A run attempt that fails with a transient error — a failed produce
// (ErrProduce; franz-go 1.22 treats OUT_OF_ORDER_SEQUENCE_NUMBER as fatal
// for a transactional producer), the broker or the network unavailable
// while polling or setting up (dial errors, EOF, timeouts, coordinator
// moves), a transaction whose end failed so that its outcome is unknown —
// is closed and replaced by a fresh one, at most RunConfig.Restarts times
// in a row (--restarts, default 5 in the CLI; 0 fails at once), after a
// backoff of 2s, 4s, 8s... capped at 30s (restart.go): about a minute in
// all, so that a broker restart or a leader election is ridden out. An attempt that committed a
// transaction resets the count; Stats sum the attempts and count the
// restarts. Errors of the configuration, of the state (ErrStateMismatch,
// ErrGlobalSplit), the stop rule (ErrIncomplete), the batch files and the
// processors, a fenced producer or static member (another instance owns the
// id), refused authorization and cancellation are returned at once.
//
// The fresh attempt is a process restart without the process: the old
// attempt's clients are all closed (as after any failed run: no leave, so
// the static member's partitions come back at once), and the new one
// starts from nothing in memory — new clients and run id, the producer id
// loaded again (the fence, which aborts whatever transaction the old
// producer left open), a new group join, the processors restored from the
// state topic and checked against the committed offsets, the batch sink's
// buffers discarded and its staged files recovered by the snapshots. What
// the crash tests prove of a rerun thus holds for it. Riding the fault out
// inside the old runner is what was abandoned: its client keeps what it
// believed before the fault (its uncommitted offsets, buffered records, a
// producer id flagged for reload, a session that may rejoin under it), and
// one such recovery rewound to offsets ahead of the snapshots and lost an
// aborted transaction's records. A fresh runner believes only what the
// broker has committed.
//
// # Threads: parallel partitions
//
// RunConfig.Threads (--threads N) runs N members of the group in one
// process (threads.go), each a whole runner with its own client,
// transactional producer (id TransactionalID-<i>), processors and batch
// sink; the group's assignor spreads the partitions over them and each
// commits its own transactions. This is Kafka Streams' model since
// exactly-once v2 (one producer per stream thread).
//
// The alternative — one goroutine per owned partition feeding a single
// transaction — was not chosen, for what the profile and the protocol
// say: about a quarter of match's Kafka-mode CPU is franz-go building and
// compressing produce requests, which one client does in one goroutine per
// broker, so with one client that part never spreads over cores; and one
// transaction for all partitions needs a barrier at every commit (every
// partition stops, snapshots, waits for the commit), so the slowest
// partition and each commit stall them all, and the runner's
// single-threaded exactly-once argument would need locks. With members,
// nothing is shared but the echo and the metrics, and each member is the
// runner whose exactly-once behaviour the tests prove. The price: N
// transactional ids and N group members (more group traffic and
// rebalances), and parallelism bounded by the partition count. Measured
// with `make bench-kafka` (pipeline --threads 1 vs 2, at GOMAXPROCS 1 and
// 2; figures in the README).
//
// Each transaction's output records live in an arena (arena.go) reused
// from one transaction to the next, and one promise serves every record of
// a transaction, so producing costs no allocation per record. A
// transaction's batch files are written together and fsynced in parallel
// (columnar.BatchWriter.Stage). In follow mode the producer lingers 1 ms
// instead of 10, so a commit finds little left to send.
package kafka
