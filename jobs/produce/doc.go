// Package produce is the order producer job: a seeded synthetic order flow
// (pkg/flow's Generator, pure and deterministic) or a single manual order,
// written as JSON Lines to a file or to the orders topic.
package produce
