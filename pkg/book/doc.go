// Package book is bourse's matching engine: the order book of one
// instrument. It is pure Go with no I/O, clocks or goroutines; the match job
// feeds it validated orders and forwards what it reports.
//
// # Input and output
//
// Submit takes a record.Order already validated against the instruments
// reference (pkg/record), so Ticks and Lots hold the price and quantity in
// the instrument's integer units; the book works only in those. It reports
// record.Trade and record.Event values to a Handler (record.Emitter is
// one), converting back to Fixed as ticks×TickSize and lots×LotSize. The
// records are reused: a Handler copies what it keeps.
//
// # Rules
//
//   - Clock. The instrument clock is the largest order timestamp submitted
//     so far; every Submit (NEW, CANCEL, REPLACE, even one that is then
//     rejected) advances it first, then expires every resting order whose
//     non-zero ExpiresAt is earlier than the clock (EXPIRED, earliest expiry
//     first, then lowest id), and only then handles the order. A NEW whose
//     ExpiresAt is already earlier than the clock is REJECTED
//     (ALREADY_EXPIRED). Event and trade times are the clock.
//   - Price-time priority (PriceTime, the default). A BUY trades with SELLs
//     priced at or below its limit, best price first and oldest first
//     within a price; SELL symmetric; MARKET has no limit. Each trade is at
//     the resting order's price for the smaller open quantity. The remainder
//     of a LIMIT GTC rests; of an IOC or a MARKET it is CANCELLED. A FOK
//     trades only if the acceptable levels hold its whole quantity now,
//     otherwise it is KILLED without trades.
//   - Exact reproduces the original rule: a LIMIT GTC trades only with the
//     oldest resting opposite order of equal price and equal open quantity,
//     fully, and otherwise rests (the book may then be crossed). MARKET,
//     IOC, FOK and REPLACE are REJECTED (UNSUPPORTED); CANCEL works.
//   - CANCEL of an id that is not resting, and REPLACE likewise, are
//     REJECTED (UNKNOWN_ORDER); a NEW whose id is resting is REJECTED
//     (DUPLICATE_ID). An id may be reused once its order has left the book.
//   - Ownership. A CANCEL or REPLACE of a resting order that has a trader
//     id must carry the same trader id, else it is REJECTED (NOT_OWNER) and
//     changes nothing (an empty trader id on the amendment is another
//     trader); an order rested without a trader id may be amended by any.
//     The message does not name the owner.
//   - REPLACE sets a resting order's price (Price 0 keeps it) and open
//     quantity (Quantity 0 keeps it), keeping its side, trader, expiry and
//     filled quantity. The same price with a smaller or equal open quantity
//     keeps time priority; any other change sends the order to the back of
//     its new level, and if it now crosses it first trades as the
//     aggressor. One REPLACED event precedes any trades.
//   - Orders the validator should have stopped (side, type, time in force or
//     action out of range, non-positive lots or limit ticks) are REJECTED
//     with BAD_FIELD or NON_POSITIVE rather than trusted. Submit never
//     panics.
//
// Rules the match job applies before an order reaches the book, with
// their reason codes: the Kafka record key (KEY_MISMATCH, KEY_MISSING),
// the trader id (BAD_TRADER_ID), the instruments reference
// (UNKNOWN_INSTRUMENT, OFF_TICK, OFF_LOT) and the clock (CLOCK_SKEW: an
// order stamped too far ahead of both the book's clock and a reference
// time never reaches Submit, so it never moves the clock). The full list
// of reason codes is in docs/CONTRACT.md.
//
// Reference changes. CancelAll takes every resting order out with a
// CANCELLED report carrying a reason (INSTRUMENT_REMOVED,
// INSTRUMENT_CHANGED), keeping the clock and the trade sequence;
// SnapshotInstrument reads a snapshot's instrument so that a book can be
// restored without the reference, and Reinstrument gives an empty book new
// tick and lot sizes.
//
// # Events
//
// A NEW that passes the checks gets ACCEPTED before anything else. Each
// trade is reported as the Trade, then the aggressor's FILL or PARTIAL_FILL,
// then the resting order's; fill events carry the trade price and quantity,
// the TradeID, and the order's cumulative Filled and remaining Leaves. A
// remainder that leaves the book (CANCELLED, EXPIRED, KILLED) is reported
// with Quantity = the open quantity removed and Leaves 0. ACCEPTED and
// REPLACED carry the limit price and the open quantity. REJECTED carries the
// order's own fields, a Reason code and a Message saying what was expected
// and what was received. Trade ids are a per-book sequence from 1. The same
// input always gives the same output.
//
// # Data structures
//
// Orders are nodes in one preallocated slice, recycled through a free list
// and addressed by int32 index. Each price level is an intrusive doubly
// linked FIFO of nodes with its aggregate lots and order count; levels are
// pooled the same way. Each side keeps its levels in a slice sorted by
// priority with the best level last, so the best price is O(1), a fill or a
// cancel at the top removes the last element, and Depth(n) walks n
// elements. Finding a level walks a few steps down from the best end, where
// most orders land, then binary-searches; inserting or removing a level
// deeper in the book moves the levels above it (a memmove of a few KB at
// worst for a thousand levels). This works for any price range with no
// assumption of a narrow band, which a tick ladder array would need. Order
// ids map to nodes through an open-addressing hash table with
// backward-shift deletion (no tombstones, no allocation in steady state,
// never iterated). Expiring orders sit in a binary min-heap keyed by
// (expiry, id) with each node's heap position stored for O(log n) removal,
// so expiry never scans the book. Events and trades are written into two
// scratch records owned by the Book. In steady state Submit allocates
// nothing; the slices grow (amortised) only when the book reaches a new
// size. A book holds at most 2^31-1 orders, and a level's aggregate lots
// must fit in an int64 (no concern for lot sizes of 1e-4 or more at
// bourse's 1e9 quantity cap).
//
// Not chosen: a dense tick ladder array (O(1) level access but memory
// proportional to the price range, needing re-centring and a fallback for
// outliers), a balanced tree of levels (O(log n) best price and pointer
// chasing), Go maps (no guarantee of allocation-free churn, and tempting to
// iterate).
//
// # Snapshots
//
// Snapshot appends a compact, versioned binary encoding (see Snapshot for
// the layout) of the instrument identity, policy, clock, trade sequence and
// every resting order in exact priority order, ending with a CRC-32.
// Restore validates everything — checksum, bounds, positive prices and
// quantities, unique ids, expiries not before the clock, an uncrossed book
// under PriceTime, same instrument and policy — before touching the book,
// and returns an error wrapping ErrBadSnapshot on any problem.
package book
