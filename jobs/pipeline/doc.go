// Package pipeline is `bourse run`: the whole exchange in one command for a
// newcomer. It starts an embedded Kafka-protocol broker (unless brokers are
// given), creates the topics, produces a seeded order flow, runs match and
// then sma and profit as bounded exactly-once runs, and summarises what
// came out: orders, trades, rejects, the last SMA per instrument and the
// top-profit instrument per window.
package pipeline
