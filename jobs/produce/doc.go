// Package produce is the order producer job: a seeded synthetic order flow
// (Generator, pure and deterministic) or a single manual order, written as
// JSON Lines to a file or to the orders topic. The exchange profile
// (ProfileExchange, exchange.go) adds the exchange rules' orders and aims
// its cancels at orders live in a shadow book.
package produce
