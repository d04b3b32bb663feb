// Package record holds bourse's domain types — instruments, orders, trades,
// execution reports, bars, SMA and profit windows, rejects — and their codecs.
//
// It imports nothing of the project: every other package (the book, the
// windows, the transports, the storage) speaks in these types. Prices and
// quantities are exact fixed-point decimals (Fixed, 8 fractional digits);
// timestamps are Unix milliseconds in UTC. Inside the order book prices are
// integer ticks and quantities integer lots of the instrument; the conversion
// happens once, when an order is validated against the instruments reference.
//
// The output records (trades, execution reports, bars, SMA and profit
// windows, rejects, book updates and snapshots) are each a Record of one
// Kind, and kinds (kind.go) is their one definition: name, default topic,
// CLI flag, dataset, and (decode_kind.go) Kind.Decode, the decoder of its
// values that the serving layer reads topics with. A job's core hands its records to an Emitter's one
// method; every sink (JSON Lines files, Kafka topics, Arrow batches, the
// counters, the human echo) works by kind, so a new output kind is a row
// of that table, its type, its encoder and its decoder.
//
// Each record type has a field table beside it (TradeFields, ...): the
// fields' names in JSON and column order, their types and presence rules,
// and accessors. The Arrow and Parquet forms and the output decoders are
// built from the tables; the hand-written JSON encoders and the hot order
// and trade decoders are checked against them by a differential test.
package record
