// Package match is the match maker job: orders in, trades and execution
// reports out.
//
// Processor is its pure core for one input partition: it decodes each
// order, checks its record key (KEY_MISMATCH, KEY_MISSING), its trader id
// (BAD_TRADER_ID), the instruments reference and its timestamp against the
// clock rule (CLOCK_SKEW, with Options.Now or the record time as the
// reference: the core reads no clock), and submits it to the order book of
// its instrument (pkg/book), which emits trades and execution reports.
// Books restored for instruments that left the reference are emptied with
// CANCELLED reports (INSTRUMENT_REMOVED) on the next Process or Flush.
// Each book gets its exchange rules (book.Rules, book.Session) when it is
// made, restored or given new sizes: Options.STP (--stp), the static
// price band of its instrument's band_pct around ref_price, and
// Options.Session (--session, ParseSession) with ref_price as the
// auctions' reference and the instrument's halt_pct, halt_for and
// halt_window; the orders' own rule fields go through book.Submit, which
// also emits a record.Status per phase change.
// With the feed on (feed.go) it also emits the books as market data: an
// update of the changed price levels per record that changed a book, with
// a gap-free per-instrument seq kept in its snapshot, and book snapshots.
// Run wires the processor to files or Kafka through
// jobs/streamjob; the processor never knows which.
package match
