// Package setup holds what every job's setup shares, so that each is
// written once: UsageError, the one error type of a mistake in a job's
// configuration or command line (cmd/bourse exits with code 2 on it), and
// LoadInstruments, the one loader of the instruments reference (a file,
// else the compacted instruments topic, else the built-in list).
//
// It imports nothing of the jobs, so every job and cmd/bourse can import it.
package setup
