// Package profit is the profit calculator job: trades in; per hopping
// window and instrument, the average open and close of the bars, their
// difference (the profit) and the instrument's rank in the window, so that
// the line with rank 1 names the most profitable instrument.
//
// Ranking needs every instrument of a window, so the job runs one
// processor over all input partitions (one replica per consumer group).
package profit
