// Package window is the pure core of the sma and profit jobs: it turns
// trades into OHLCV bars, then into a simple moving average and a ranked
// profit per hopping window. No I/O, no clocks, no goroutines: the same
// trades in the same order give the same records in the same order.
//
// # Bars and windows
//
// Bars are Config.Bar long (default 1 minute) and aligned to the epoch:
// bar k covers [k*Bar, (k+1)*Bar). A bar's open is its earliest trade
// (the first to arrive among equal times), its close the latest (the last
// to arrive among equal times); high, low, volume (sum of quantities),
// count, and VWAP = sum(price*quantity)/sum(quantity), computed exactly in
// 128-bit integers and rounded half to even to record.Scale digits.
//
// Hopping window k covers [k*Slide, k*Slide+Window) (default 10 minutes
// every 5). A bar belongs to every window that contains its start, so with
// the defaults each bar is in two windows. Per instrument and window with
// at least one bar the Engine emits record.SMA (mean of the bars' closes)
// and computes record.Profit: mean open, mean close and profit = mean close
// - mean open, each from exact sums, rounded half to even.
//
// # Watermarks and late trades
//
// Every instrument has its own watermark: its largest trade time minus
// Config.Lateness. Per instrument, so that bars and SMA do not depend on
// how instruments are spread over Kafka partitions. A bar is closed, and
// emitted, once its instrument's watermark reaches its end; a window once
// the watermark reaches the window's end. A trade that falls in a bar
// already closed is not mixed in: it is counted (Late, LateFor) and
// reported as a record.Reject with reason LATE. Trades with a non-positive
// or too large price or quantity, a time outside [0, MaxTime] or no
// instrument are rejected with their reason and counted (Rejected).
//
// # Ranking
//
// The profit rank of a window compares all instruments with bars in it
// (1 = highest profit, ties by instrument name ascending), so the ranker
// holds a window's results until every known instrument (one that has had
// trades) has either closed the window or is idle: its watermark lags the
// greatest watermark by more than Config.Idle (default: Window). Then the
// window's records are emitted, by instrument name. Flush ranks and emits
// every pending window.
//
// In file mode (trades in time order, then Flush) this gives the exact
// rank as long as no instrument falls silent for longer than Idle while
// others trade; with Idle < 0 (never idle) it is exact always, at the cost
// of holding windows until every instrument has passed them or Flush. In
// streams, an instrument silent for longer than Idle does not hold up the
// others; if it later closes a window that was already ranked without it,
// its profit is emitted alone with Rank 0 and counted (Unranked).
//
// Cost: ranking a window sorts its n results twice (O(n log n), no
// allocation). Whether the first pending window is complete is checked
// each time an instrument closes a window; a count of the instruments
// whose watermark is still below that window's end, kept as watermarks
// move, answers it in O(1) when the ranker never treats instruments as
// idle (the profit job's default) or when no instrument is below; with
// Idle >= 0 and instruments below, the check passes over every instrument
// (O(n) per close). With 10,000 instruments a window close costs 15-17 ms
// of ranking and nothing per trade grows with n (jobs/profit has the
// figures).
//
// # Order of output
//
// For one trade: the bars it closes (by start), then the SMA of the
// windows it closes (by start), then the ranked windows that became
// complete (by window start, then instrument). Flush emits open bars by
// (start, instrument), then open windows by (start, instrument), then the
// pending ranked windows by start.
//
// # State
//
// Snapshot and Restore carry open bars, open windows, watermarks, counters
// and the ranker's pending windows in a versioned, checksummed binary
// format; a corrupt snapshot is an error, never a panic. Emitters receive
// records valid only during the call. Add allocates nothing in steady
// state: instruments are found through a one-entry cache, then a small
// open-addressing hash index; open bars and windows live in small sorted
// slices that are reused.
package window
