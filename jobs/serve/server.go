package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// OrderSink is where order entry writes orders, keyed by instrument: the
// orders topic through the idempotent producer in production. Send returns
// once the order is durable, or an error.
type OrderSink interface {
	Send(ctx context.Context, key, value []byte) error
}

// Server is the serving layer: it keeps the View and the stream's Hub up to
// date from the records it is given (Ingest) and answers the HTTP API,
// the stream and the dashboard (Handler).
type Server struct {
	cfg    Config
	ins    *record.Instruments
	tokens *Tokens
	sink   OrderSink
	log    *slog.Logger
	now    func() time.Time
	// ackWait bounds how long the kill switch waits for the sink's
	// acknowledgements (sendWait and a margin).
	ackWait time.Duration

	mu   sync.RWMutex // guards view
	view *View
	hub  *Hub
	lim  *limiter // per token
	anon *limiter // requests without a valid token, per source address
	ids  idGen

	streamMu sync.Mutex
	streams  map[string]int // open streams per token hash

	conns       atomic.Pointer[connLimit] // set by Serve
	openStreams atomic.Int64
	stalled     atomic.Int64 // streams closed by --stall-timeout
	revoked     atomic.Int64 // streams closed by a token revocation
	mux         *http.ServeMux

	ingested atomic.Int64
	bad      atomic.Int64
	resyncs  atomic.Int64 // book views rebuilt from a snapshot after a gap
}

// New makes a Server. ins validates order entry (and lists the
// instruments); tokens authenticates the callers; sink receives the orders
// placed and cancelled. Only the limits of cfg are used (History, Trades,
// Series, Orders, Rate, Burst, MaxBody, Heartbeat, the stream and
// unauthenticated limits; the connection settings are used by Serve).
func New(cfg Config, ins *record.Instruments, tokens *Tokens, sink OrderSink, log *slog.Logger) (*Server, error) {
	if err := cfg.checkLimits(); err != nil {
		return nil, err
	}
	if ins == nil || tokens == nil || sink == nil {
		return nil, errors.New("serve: instruments, tokens and an order sink are required")
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Server{cfg: cfg, ins: ins, tokens: tokens, sink: sink, log: log, now: time.Now, ackWait: sendWait + 2*time.Second,
		view: NewView(ins, Limits{Trades: cfg.Trades, Series: cfg.Series, Orders: cfg.Orders}),
		lim:  newLimiter(cfg.Rate, cfg.Burst), anon: newLimiter(cfg.UnauthRate, cfg.UnauthBurst), streams: map[string]int{}}
	s.hub = NewHub(cfg.History, uint64(s.now().UnixMilli())*1000)
	s.routes()
	return s, nil
}

// Handler returns the HTTP handler: the API under /api/, the dashboard at /.
func (s *Server) Handler() http.Handler { return s.mux }

// Ingest decodes one record of kind k (a value of the trades, order-events,
// bars, sma, profit, book, book-snapshots or instrument-status topic),
// applies it to the view and publishes it on the stream. A record that
// does not decode is counted and reported, never applied.
func (s *Server) Ingest(k record.Kind, value []byte) error {
	if k >= record.NumKinds || streamNames[k].event == "" {
		return fmt.Errorf("ingest: unknown kind %d", k)
	}
	r, err := k.Decode(value)
	if err != nil {
		return s.badRecord(k, err)
	}
	switch r := r.(type) {
	case *record.Trade:
		fr := Frame{Kind: k, Instrument: r.Instrument, Parties: [2]string{r.BuyTrader, r.SellTrader},
			Orders: [2]uint64{r.BuyOrderID, r.SellOrderID}}
		s.mu.Lock()
		s.view.ApplyTrade(r)
		s.hub.publish(fr, appendPublicTrade(nil, r))
		s.mu.Unlock()
	case *record.BookUpdate:
		s.ingestBook(r.Instrument, func(v *View) BookResult { return v.ApplyBookUpdate(r) },
			func() []byte { return r.AppendJSON(nil) })
		return nil
	case *record.BookSnapshot:
		s.ingestBook(r.Instrument, func(v *View) BookResult { return v.ApplyBookSnapshot(r) }, nil)
		return nil
	default:
		var trader string
		if e, ok := r.(*record.Event); ok {
			trader = e.TraderID
		}
		payload := r.AppendJSON(nil)
		s.mu.Lock()
		err := s.view.apply(r)
		if err == nil {
			s.hub.Publish(k, r.Key(), trader, payload)
		}
		s.mu.Unlock()
		if err != nil {
			return s.badRecord(k, err)
		}
	}
	s.ingested.Add(1)
	return nil
}

// ingestBook applies a book feed record and publishes what clients need:
// an update applied in sequence as a "book" event, the whole book as a
// "book_snapshot" event when the view was resynchronised from a snapshot
// (a gap in the feed), nothing for a duplicate or a held update.
func (s *Server) ingestBook(sym string, apply func(*View) BookResult, update func() []byte) {
	s.mu.Lock()
	switch apply(s.view) {
	case BookApplied:
		s.hub.Publish(record.KindBook, sym, "", update())
	case BookResynced:
		snap, _ := s.view.BookSnapshot(sym)
		s.hub.Publish(record.KindBookSnapshot, sym, "", record.AppendBookSnapshotJSON(nil, &snap))
		s.resyncs.Add(1)
	}
	s.mu.Unlock()
	s.ingested.Add(1)
}

func (s *Server) badRecord(k record.Kind, err error) error {
	if s.bad.Add(1) <= 10 {
		s.log.Warn("skipping a record that does not decode", "kind", filterName(k), "err", err)
	}
	return fmt.Errorf("ingest %s: %w", k, err)
}

// LastEventID is the id of the newest stream event.
func (s *Server) LastEventID() uint64 { return s.hub.Last() }
