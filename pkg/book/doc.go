// Package book is bourse's matching engine: the order book of one
// instrument. It is pure Go with no I/O, clocks or goroutines; the match job
// feeds it validated orders and forwards what it reports.
//
// # Input and output
//
// A Book has two entry points over one core.
//
// Apply is the embedding API. It takes an Order in the instrument's integer
// units (price in ticks, quantity in lots) with a caller Tag, and reports
// lean Trade and Event values to a Listener: ticks and lots, the Tag of the
// instruction being applied, reject reasons as a small Reason code, no
// strings built and no allocation, rejects included.
//
// Submit is the match job's API. It takes a record.Order already validated
// against the instruments reference (pkg/record, which fills in Ticks and
// Lots) and emits record.Trade and record.Event values to a
// record.Emitter. It is Apply with a Listener that converts each
// lean report: Fixed prices and quantities as ticks×TickSize and
// lots×LotSize, the instrument and the clock, and for a REJECTED report the
// order's own decimal fields, the wire reason code and a message saying
// what was expected and what was received (built only here, one allocation
// per reject). Reports are reused: a Listener or Emitter copies what it
// keeps.
//
// Codes are record's: Side Buy=1, Sell=2 (0 or any other value is
// REJECTED, BAD_FIELD / ReasonBadSide; record.Side.Opposite is 3-s);
// OrderType Limit=0, Market=1; TimeInForce GTC=0, IOC=1, FOK=2; Action
// New=0, Cancel=1, Replace=2. So a zero Order field means LIMIT, GTC, NEW,
// but never a side.
//
// # Embedding
//
// A Listener and a book fed with Apply (Example runs the same lines):
//
//	type printer struct{} // a Listener that prints each report
//	func (printer) OnTrade(t *book.Trade) {
//		fmt.Printf("tag %d: trade %d, %d lots at %d ticks\n", t.Tag, t.TradeID, t.Lots, t.Ticks)
//	}
//	func (printer) OnEvent(e *book.Event) {
//		fmt.Printf("tag %d: %s order %d %s %d@%d leaves %d (%s)\n",
//			e.Tag, e.Type, e.OrderID, e.Side, e.Lots, e.Ticks, e.Leaves, e.Reason)
//	}
//
//	inst := record.Instrument{Symbol: "XYZ", TickSize: record.MustFixed("0.01"), LotSize: record.One}
//	b := book.New(inst, book.PriceTime, 1024)
//	var p printer
//	b.Apply(&book.Order{Tag: 1, ID: 10, Side: record.Sell, Ticks: 10050, Lots: 5, Time: 1}, p)
//	b.Apply(&book.Order{Tag: 2, ID: 11, Side: record.Buy, Ticks: 10051, Lots: 3, Time: 2}, p)
//	b.Apply(&book.Order{Tag: 3, ID: 10, Action: record.Replace, Ticks: 10049, Lots: 1, Time: 3}, p)
//	b.Apply(&book.Order{Tag: 4, ID: 99, Action: record.Cancel, Time: 4}, p)
//
// It prints the ACCEPTED of order 10 (tag 1); the ACCEPTED of order 11,
// trade 1 of 3 lots at 10050 and both fills (tag 2); the REPLACED of the
// rest of order 10, now 1 lot at 10049 (tag 3); and a REJECTED with
// ReasonUnknownOrder (tag 4). One Book serves one instrument and one
// goroutine; an embedder with many instruments keeps a Book each.
//
// # Rules
//
//   - Clock. The instrument clock is the largest order timestamp submitted
//     so far; every Apply or Submit (NEW, CANCEL, REPLACE, even one that is
//     then rejected) advances it first, then expires every resting order
//     whose non-zero ExpiresAt is earlier than the clock (EXPIRED, earliest
//     expiry first, then lowest id), and only then handles the order. A NEW
//     whose ExpiresAt is already earlier than the clock is REJECTED
//     (ALREADY_EXPIRED). Record event and trade times are the clock (Clock
//     during a Listener call).
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
//   - REPLACE sets a resting order's price and open quantity, keeping its
//     side, type, trader, expiry and filled quantity. Through Apply both are
//     explicit and required (Ticks, Lots; 0 or less is REJECTED,
//     NON_POSITIVE); the wire format's "price 0 / quantity 0 keeps the old
//     value" is translated by Submit, which fills in the resting order's
//     values. The same price with a smaller or equal open quantity keeps
//     time priority; any other change sends the order to the back of its
//     new level, and if it now crosses it first trades as the aggressor. One
//     REPLACED event precedes any trades.
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
// # Exchange rules
//
// Every rule is opt-in: a book without SetRules or SetSession, fed orders
// that leave Order.Stop, Display, STP and PostOnly zero, use no MassCancel
// and no DAY, gives exactly the reports (and snapshots) it gave before the
// rules existed. The rules apply under PriceTime only (Exact rejects their
// orders, UNSUPPORTED, and SetRules and SetSession refuse them). Submit
// carries them on the wire: the orders' fields of pkg/record (stop_price,
// display_quantity, post_only, stp, CANCEL_ALL, DAY), the reason codes,
// TRIGGERED, and a record.Status per phase change.
//
//   - Self-trade prevention (Rules.STP per book, Order.STP per order; the
//     incoming order's own mode wins, the resting order's does not count;
//     orders without a trader id never match themselves). When the
//     aggressor meets a resting order of its own trader: cancel-newest
//     cancels the aggressor's rest; cancel-oldest cancels the resting
//     order (an iceberg with its reserve) and goes on matching;
//     cancel-both cancels the resting order, then the aggressor. Each is a
//     CANCELLED with ReasonSelfTrade; no trade ever has that trader on both
//     sides. A FOK counts, under cancel-oldest, only other traders' lots,
//     and otherwise only the shown lots ahead of its trader's first order
//     in a level (matching stops there): it never trades partly.
//   - POST_ONLY (LIMIT GTC only, else BAD_FIELD) is REJECTED with
//     ReasonWouldTrade if its price meets the opposite best on arrival —
//     also when that is its own trader's order — and so is a REPLACE that
//     would make it trade (the order is left as it was).
//   - ICEBERG (Display > 0, LIMIT GTC, not a stop): it rests showing at most
//     Display lots; Depth, QtyAt, BestBid/Ask and the changes feed show
//     only that, Resting and every report the whole open quantity. When
//     the shown part fills and a reserve remains, min(Display, reserve) is
//     shown at the back of the level with new time priority, so an
//     aggressor larger than the level meets the iceberg again after the
//     orders behind it, as often as its reserve lasts. As the aggressor it
//     trades its whole quantity. A REPLACE that keeps priority cuts the
//     reserve first. A refill has no report of its own.
//   - STOP (Type MARKET) and STOP_LIMIT (Type LIMIT), Stop > 0 ticks: see
//     stop.go. ACCEPTED, then pending outside the book (not in Depth or
//     Len, not replaceable: ReasonStopReplace) until a trade after its
//     acceptance is at or above (BUY) or at or below (SELL) the trigger;
//     then a TRIGGERED report (Triggered) and it is handled as a NEW at that
//     instant, with new time priority. Stops are checked when the
//     instruction that traded is done, against every trade it made (a
//     sweep through a trigger counts even if it ends beyond it), and enter
//     one at a time, earliest accepted first; a triggered stop's trades
//     mark further stops, and the next to enter is again the earliest
//     accepted marked one, until none is left. Their reports carry the
//     Tag of the instruction that started the chain.
//   - CANCEL_ALL (Action MassCancel, TraderID required: ReasonNoTrader;
//     Side 0 for both sides): every resting order and pending stop of the
//     trader leaves with a CANCELLED (ReasonMassCancel), bids best level
//     first and oldest first, then asks, then stops in acceptance order.
//     Nothing to cancel gives no report.
//   - Static price band (Rules.BandRef, BandBP): a NEW LIMIT or STOP_LIMIT,
//     or a REPLACE to a new price, whose limit lies outside
//     [⌈ref·(1-bp/10⁴)⌉, ⌊ref·(1+bp/10⁴)⌋] ticks is REJECTED
//     (ReasonPriceBand). MARKET orders have no limit to check; bands on
//     trade prices belong with halts.
//   - Trading phases (SetSession; phase.go): a daily schedule in the
//     instrument's time (Session.Offset ms east of UTC), driven by the
//     clock. A day is CLOSED until PreOpen, PRE_OPEN until Auction, BUFFER
//     until Open (none when Auction == Open), CONTINUOUS until Close, then
//     CLOSED (an NSE-like day below). A boundary at T applies to
//     instructions with Time >= T. Each Apply advances the clock, then
//     runs every boundary it passed in time order, first expiring the orders whose expiry is before it, then
//     reports the new phase to a Listener that is a StatusListener
//     (Status: phase, scheduled time, the instruction's Tag; Submit
//     emits it as a record.Status), then expires as before and handles
//     the instruction in the phase it is now in. A clock jump over whole
//     days skips them from CLOSED (only the last day's changes are run).
//     SetSession takes the phase from the clock without reports (from the
//     first instruction on a book whose clock is 0). In PRE_OPEN, NEW LIMIT
//     GTC or DAY orders (icebergs too) and stops of any kind are ACCEPTED
//     and rest without matching (a crossed book is allowed there only);
//     MARKET, IOC, FOK and POST_ONLY are REJECTED (PRE_OPEN); REPLACE
//     re-rests without matching; CANCEL and CANCEL_ALL work. In BUFFER and
//     CLOSED, NEW and REPLACE are REJECTED (CLOSED); CANCEL and CANCEL_ALL
//     work.
//   - Call auction (auction.go) at the Auction boundary: a crossed book
//     uncrosses at one price — maximum executable volume, then minimum
//     imbalance, then closest to the reference price (the last trade
//     price, Session.Ref before the first trade), then the lower — and all
//     its trades print at that price in price-time priority on both sides
//     (Trade.Aggressor 0). Self-trade prevention does not apply to it. The
//     stops its trades trigger enter when CONTINUOUS begins.
//   - DAY time in force (record.DAY, TIF 3): rests like GTC
//     (also as an iceberg, post-only or stop) and is EXPIRED when the phase
//     becomes CLOSED, in CANCEL_ALL's order. Without a session it never
//     expires.
//   - Volatility halt (Session.HaltBP, HaltFor, HaltWindow; halt.go): in
//     CONTINUOUS, an aggressor about to trade at a level more than HaltBP
//     basis points from the last auction price (Session.Ref before it;
//     with a HaltWindow, re-based to the last trade price at the start of
//     each window, halt.go) stops its sweep before that level; the phase
//     becomes HALTED (reported at the clock) and its remainder rests
//     (LIMIT GTC or DAY, the book may be crossed) or is CANCELLED. A FOK that would need that level is KILLED instead.
//     HALTED takes orders as PRE_OPEN does; HaltFor ms later, or at the
//     close if sooner, a call auction ends it (its price the new
//     reference), then CONTINUOUS (not at the close). Stops triggered
//     before a halt or by an auction enter when CONTINUOUS begins; stops
//     accepted after those trades do not see them. DAY orders stay across
//     a halt.
//
// An NSE-like day (IST, pre-open 09:00–09:08 with the auction at its end,
// a buffer until 09:15, continuous until 15:30):
//
//	const hour, minute = 3_600_000, 60_000
//	b.SetSession(book.Session{Offset: 5*hour + 30*minute,
//		PreOpen: 9 * hour, Auction: 9*hour + 8*minute,
//		Open: 9*hour + 15*minute, Close: 15*hour + 30*minute})
//
// Checks of a NEW run in this order: side, kind, policy, lots, ticks,
// duplicate id, expiry, then the rules' (kind of a rule order, band,
// post-only), then the phase's.
//
// Reason codes, one place: REJECTED BAD_FIELD (ReasonBadAction,
// ReasonBadSide, ReasonBadKind: also an invalid STP mode or a rule kind on
// the wrong order type), NON_POSITIVE (ReasonBadLots: also Display < 0;
// ReasonBadTicks: also Stop < 0), DUPLICATE_ID, UNKNOWN_ORDER,
// ALREADY_EXPIRED, UNSUPPORTED (ReasonUnsupported; ReasonStopReplace),
// NOT_OWNER, WOULD_TRADE (ReasonWouldTrade), PRICE_BAND (ReasonPriceBand),
// BAD_TRADER_ID (ReasonNoTrader), CLOSED (ReasonClosed: a NEW or REPLACE in
// BUFFER or CLOSED), PRE_OPEN (ReasonPreOpen: a NEW in PRE_OPEN or HALTED
// that cannot wait for the auction); CANCELLED with a reason: SELF_TRADE
// (ReasonSelfTrade), MASS_CANCEL (ReasonMassCancel), and CancelAll's
// INSTRUMENT_REMOVED and INSTRUMENT_CHANGED. The event type TRIGGERED
// (Triggered, record.Triggered) and the action CANCEL_ALL (MassCancel,
// record.CancelAll) are the wire's; Event.Reason, set on a rule's
// CANCELLED, is the reason of Submit's record.
//
// Not yet: self-trade prevention in auctions. Snapshots hold the session
// state (see Snapshots).
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
// A NEW that passes the checks gets ACCEPTED before anything else (a
// stop: ACCEPTED now, TRIGGERED when it enters). Each
// trade is reported as the Trade, then the aggressor's FILL or PARTIAL_FILL,
// then the resting order's; fill events carry the trade price and quantity,
// the TradeID, and the order's cumulative Filled and remaining Leaves. A
// remainder that leaves the book (CANCELLED, EXPIRED, KILLED) is reported
// with the open quantity removed (Event.Lots, record Quantity) and Leaves
// 0. ACCEPTED and REPLACED carry the limit price and the open quantity.
// REJECTED carries the order's own fields and a Reason (Submit: the wire
// code and a Message). Every report of one Apply carries its Tag, also the
// resting side's fills and the EXPIRED reports its clock advance causes.
// Trade ids are a per-book sequence from 1. The same input always gives the
// same output.
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
// never iterated); ids that differ only in their low three bits share a
// block of eight slots, so that consecutive ids, the usual case, probe the
// cache line their predecessor touched. The rules add a byte of flags
// and an int32 to the node (still 80 bytes): an iceberg's display and
// reserve live in a side table, and each level keeps its icebergs'
// hidden total for FOK; pending stops are indexed nodes in no level,
// listed in acceptance order. Expiring orders sit in a binary min-heap keyed by
// (expiry, id) with each node's heap position stored for O(log n) removal,
// so expiry never scans the book. Events and trades are written into two
// scratch reports owned by the Book (and Submit's into two scratch
// records). In steady state Apply allocates nothing, rejects included, and
// Submit allocates only the message of a REJECTED record; the slices grow
// (amortised) only when the book reaches a new size. A book holds at most 2^31-1 orders, and a level's aggregate lots
// must fit in an int64 (no concern for lot sizes of 1e-4 or more at
// bourse's 1e9 quantity cap).
//
// What bounds the speed: on the benchmark mix (BenchmarkBookMix, 10,000
// resting orders) the working set — 80-byte nodes, 16-byte id slots at
// most half full, the levels — is about 1.4 MB, more than a core's L2 (512
// KB on the project's machine; the L3 is shared with its neighbours), and
// an order costs about two cache misses that no layout here avoids: a
// CANCEL's id slot and node (then its neighbours), a fill's resting node
// and the id slot it frees. Building reports is not the bound: Apply with
// a no-op Listener is only a quarter to a third faster than Submit with
// full records on the same machine. A 64-byte node (one line) would need
// the price out of the node (read from its level) and the expiry in the
// heap entries.
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
// Version 2 adds the rules' state (flags, icebergs, pending stops) and is
// written only by a book that holds some. Version 3 adds the session's
// state and is written by every book with a session: the phase, the next
// boundary of the schedule, a halt and its end, the halt reference (the
// last auction price), the last trade price (the auctions' reference) and
// which pending stops have triggered and wait for CONTINUOUS, so that
// restore + the rest of the input gives exactly the reports of the
// uninterrupted book, also in PRE_OPEN or HALTED with the book crossed.
// Version 4 adds the halt window and its start, and is written instead of
// version 3 only by a book whose session has a halt window. A book without
// a session writes version 1 or 2 exactly as before, one without a halt
// window version 3, and every version restores. The book's Rules and Session are settings, not
// state: the caller sets them again (SetRules, SetSession) on the fresh
// book before Restore. A version 3 or 4 snapshot carries its session and
// restores only into a book with that same session; a version 1 or 2
// snapshot restored into a book with a session takes its phase from the
// clock, as SetSession does. To change the session of a restored book,
// call SetSession after Restore (it refuses a crossed book; it keeps the
// halt reference the book printed and the halt window's start).
// Restore validates everything — checksum, bounds, positive prices and
// quantities, unique ids, expiries not before the clock, an uncrossed book
// under PriceTime unless the restored phase is PRE_OPEN or HALTED, a
// session state consistent with the schedule and the clock, same
// instrument, policy and session — before touching the book, and returns
// an error wrapping ErrBadSnapshot on any problem.
package book
