// Package sma is the SMA calculator job: trades in, per instrument the
// simple moving average of 1-minute (--bar) closing prices over hopping
// windows (--window, --slide) out, and optionally the bars themselves.
package sma
