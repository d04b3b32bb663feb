// Package flow is the seeded synthetic order flow that `bourse produce`
// writes and the tests and benchmarks replay: a Generator walks a mid price
// per instrument around its reference price and draws orders of every kind
// (limit, IOC, FOK, market, expiries, cancels and replaces) from a Mix, for
// several traders. The exchange profile (ProfileExchange, exchange.go) adds
// the exchange rules' orders and aims its cancels, replaces and mass
// cancels at orders that a shadow book (pkg/book, as match runs it by
// default) still holds.
//
// A Generator is pure: no I/O, no clocks, no goroutines. The order
// timestamps are simulated from Config.Start and Config.Step, and the same
// Config and instruments give the same orders, order for order, on every
// run and machine; jobs/produce turns them into JSON Lines, Kafka records
// and Arrow batches.
package flow
