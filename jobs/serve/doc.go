// Package serve is the serving layer: the `bourse serve` job.
//
// It follows the committed output topics (trades, order-events, bars, sma,
// profit, book, book-snapshots, instrument-status) from the start with a
// read_committed, groupless consumer (kafka.Tail) and keeps an in-memory
// View: recent trades, each instrument's book from match's book feed
// (view_book.go: the join protocol of snapshots and gap-free updates,
// resynchronised from a snapshot after a gap), its trading phase from
// match's status records (GET /api/instruments; a "status" event on the
// stream per change), bars, SMA and profit windows, the top-profit
// instrument per window and every trader's orders. The View is pure
// (records in, queries out); the Server guards it and publishes every
// record on the Hub, a ring buffer of Server-Sent Events with global,
// resumable ids, encoded once into shared blocks that every client writes
// from without copying (hub.go); a book update becomes a "book" event, a resynchronised
// book a "book_snapshot" event, and a client resuming past the ring gets
// fresh "book_snapshot" events (stream.go), so no client's book is built
// across a gap.
//
// The HTTP API (documented in openapi.json, served at /api/openapi.json)
// answers market data to any authenticated trader, a trader's own orders
// to that trader only, and takes orders (POST /api/orders, DELETE
// /api/orders/{id}) that it validates with the match job's rules and
// produces to the orders topic. DELETE /api/orders is the kill switch
// (handlers_cancel_all.go): a CANCEL_ALL of the caller, on one side or
// both, for one instrument or for every listed one — one record per
// instrument, because a CANCEL_ALL acts only on the book of its own
// instrument, which one match member holds. Callers authenticate with
// bearer tokens whose SHA-256 hashes are kept in a file (AddToken makes
// one); requests are size-limited and rate-limited per token. The public trade tape is
// anonymous (trade.go): no trader ids, no order ids but the caller's own.
// The dashboard under web/ is embedded and served at /.
//
// Serve holds the connections: deadlines on every one (listen.go), caps in
// total and per source address in the listener (conns.go), a rate limit
// per address for requests without a valid token, which are answered from
// the headers before any body is read and closed (routes.go), and streams
// capped per token, cut when stalled or when their token is revoked
// (stream.go).
package serve
