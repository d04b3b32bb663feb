// Package kafkabench measures the pipeline on the real Apache Kafka broker
// (`make bench-kafka`; BOURSE_KAFKA_BROKERS names the broker, and without
// it the benchmarks skip). Figures are reported, never asserted: a
// benchmark fails only when the pipeline's output is wrong.
//
// One run of BenchmarkKafka measures, on fresh topics (6 partitions) and a
// fresh consumer group each time, with a seeded order flow from the produce
// job's generator (400,000 orders over the four default instruments, keyed
// by instrument, so at most four partitions carry data):
//
//   - produce: raw throughput of the produce job's producer (franz-go,
//     idempotent, acks=all, zstd, 5 ms linger), orders/s from the first
//     Produce until Flush returns.
//   - pipeline: the same orders produced while the match job runs
//     exactly-once in follow mode in this process (jobs/match.Run, default
//     100 ms commit interval), orders/s from the first Produce until the
//     match group's committed offsets reach the orders topic's end. The
//     runner commits input offsets in the transaction that carries their
//     trades, so that is the moment every trade is visible to read_committed
//     readers (end offsets of the trades topic would count transaction
//     markers as well as trades). The run is then checked: the job's
//     committed counts and a read_committed read of the trades topic must
//     equal the trades of the pure core (jobs/match.Processor) on the same
//     orders. Reported also as a ratio to raw produce.
//   - latency-commit-100ms and latency-commit-10ms: the first 100,000
//     orders sent at a fixed 20,000 orders/s (a burst every millisecond)
//     while match follows with that commit interval and a read_committed
//     tail of the trades topic takes, for every trade, now minus the send
//     time of its aggressor order (the BUY order of a BUY-aggressor trade,
//     else the SELL order). Trades of orders that a REPLACE re-sent are
//     counted but not timed. p50, p99 and max in ms.
//
// The latency is bounded below by the commit interval: a trade becomes
// visible only when the transaction holding it commits, on average half an
// interval after its order arrives and at worst one interval plus the
// commit's own round trips. Producers are warmed up (connection and
// producer id) on a separate topic before the clock starts, and the match
// job by one warm-up record on its orders topic (not an order: it becomes
// one REJECTED report), whose commit shows that the job has joined its
// group and restored its partitions from the shared state topic. Each figure is
// printed with the machine's load average and, over the measured interval,
// how busy the machine's CPUs were and how many cores this process
// (producer, match job, tail) used, since the broker and other work share
// a small machine and change the figures.
//
// Workload, Latency, Percentiles and SampleCPU are the measuring helpers; they are
// plain code with their own tests and need no broker.
package kafkabench
