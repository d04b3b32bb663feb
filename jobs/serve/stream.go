package serve

import (
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// streamBatch is how many events a subscriber takes from the hub at once
// (a run of consecutive events goes on across batches: one write).
const streamBatch = 512

// filter says which events a stream subscriber receives.
type filter struct {
	kinds       [record.NumKinds]bool
	instruments map[string]bool // nil = all
	trader      string
}

func (f *filter) match(fr *Frame) bool {
	if !f.kinds[fr.Kind] {
		return false
	}
	if f.instruments != nil && !f.instruments[fr.Instrument] {
		return false
	}
	return fr.Kind != record.KindEvent || fr.Trader == f.trader
}

// parseFilter reads ?kinds= and ?instrument= (comma-separated lists).
func (s *Server) parseFilter(r *http.Request, trader string) (filter, string) {
	f := filter{trader: trader}
	q := r.URL.Query()
	if ks := q.Get("kinds"); ks != "" {
		for _, k := range strings.Split(ks, ",") {
			kind, ok := ParseKind(strings.TrimSpace(k))
			if !ok {
				return f, "kinds: expected a comma-separated list of trades, orders, bars, sma, profit, book, status; got " + strconv.Quote(k)
			}
			f.kinds[kind] = true
			if kind == record.KindBook {
				f.kinds[record.KindBookSnapshot] = true
			}
		}
	} else {
		for k := range f.kinds {
			f.kinds[k] = true
		}
	}
	if is := q.Get("instrument"); is != "" {
		f.instruments = map[string]bool{}
		s.mu.RLock()
		defer s.mu.RUnlock()
		for _, sym := range strings.Split(is, ",") {
			sym = strings.TrimSpace(sym)
			if !s.view.Known(sym) {
				return f, "instrument: " + strconv.Quote(sym) + " is not listed and never traded"
			}
			f.instruments[sym] = true
		}
	}
	return f, ""
}

// stream serves GET /api/stream: Server-Sent Events of the kinds and
// instruments asked for, from after the Last-Event-ID header (or
// ?last_event_id=) when given, else from now on. A client whose events are
// no longer held gets a "reset" event (refetch the snapshots) and continues
// from the oldest event held; when it takes book events, the reset is
// followed by a "book_snapshot" event per instrument (the book as of the
// newest event, which the book events up to it are then left out of), so
// that its books are never built on a gap. Comments keep idle connections
// alive.
//
// A token holds at most --max-streams streams (429 beyond). A write that
// cannot complete within --stall-timeout (a client that stopped reading)
// ends the stream; the client resumes with Last-Event-ID. A reload of the
// tokens file that revokes the token ends the stream at once, after an
// "event: revoked".
func (s *Server) stream(w http.ResponseWriter, r *http.Request, trader string) {
	f, msg := s.parseFilter(r, trader)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	cursor := s.hub.Last()
	resume := r.Header.Get("Last-Event-ID")
	if resume == "" {
		resume = r.URL.Query().Get("last_event_id")
	}
	if resume != "" {
		id, err := strconv.ParseUint(strings.TrimSpace(resume), 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Last-Event-ID: expected an event id (a whole number), got "+strconv.Quote(resume))
			return
		}
		cursor = id
	}
	token, _ := bearer(r.Header.Get("Authorization")) // auth has checked it
	key := HashToken(token)
	if !s.openStream(key) {
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "too many streams: at most "+strconv.Itoa(s.cfg.MaxStreams)+
			" open at once per token; close one first")
		return
	}
	defer s.closeStream(key)

	rc := http.NewResponseController(w)
	// the stream reads nothing more: no read deadline (--read-timeout
	// would end it), the write deadline is kept stall ahead (refreshDeadline).
	rc.SetReadDeadline(time.Time{})
	stall := s.cfg.StallTimeout
	var werr error
	write := func(p []byte) {
		if werr == nil {
			_, werr = w.Write(p)
		}
	}
	flush := func() bool {
		if werr == nil {
			werr = rc.Flush()
		}
		return werr == nil
	}
	defer func() {
		if errors.Is(werr, os.ErrDeadlineExceeded) {
			s.stalled.Add(1)
			s.log.Info("stream client stalled; disconnected", "trader", trader, "stall_timeout", stall, "cursor", cursor)
		}
	}()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	// not chunked: the body is the events until the connection closes (as
	// the SSE recommendation suggests), so a run of events written from a
	// shared block goes to the socket as it is, with no framing between.
	h.Set("Transfer-Encoding", "identity")
	// the write deadline is moved to now+stall when it is less than
	// 7/8 stall away: a write that cannot complete is cut 7/8 to 1 stall
	// after it started, and a busy stream does not reset a timer on every
	// write.
	deadline := time.Now().Add(stall)
	refreshDeadline := func() {
		if now := time.Now(); deadline.Sub(now) < stall-stall/8 {
			deadline = now.Add(stall)
			rc.SetWriteDeadline(deadline)
		}
	}
	rc.SetWriteDeadline(deadline)
	w.WriteHeader(http.StatusOK)
	write([]byte("retry: 2000\n: bourse stream for " + trader + "\n\n"))
	if !flush() {
		return
	}
	hb := time.NewTicker(s.cfg.Heartbeat)
	defer hb.Stop()
	buf := make([]*Frame, 0, streamBatch)
	ctx := r.Context()
	tokensChanged := s.tokens.Changed()
	var flushed time.Time
	var bookAfter uint64   // book events up to this one are in the snapshots sent after a reset
	var first, last *Frame // the run of consecutive frames to write next
	writeRun := func() {
		if first != nil {
			write(runBytes(first, last))
			first = nil
		}
	}
	for {
		frames, upTo, gap, wake := s.hub.Read(cursor, buf[:0], streamBatch)
		if gap || len(frames) > 0 {
			refreshDeadline()
		}
		if gap {
			writeRun()
			oldest := upTo + 1
			if len(frames) > 0 {
				oldest = frames[0].Seq
			}
			write([]byte("event: reset\ndata: {\"reason\":\"events after " + strconv.FormatUint(cursor, 10) +
				" are no longer held; refetch the snapshots\",\"oldest\":" + strconv.FormatUint(oldest, 10) + "}\n\n"))
			if f.kinds[record.KindBook] {
				var snaps []byte
				snaps, bookAfter = s.bookSnapshots(&f)
				write(snaps)
			}
		}
		// the frames this client takes, in runs of frames that follow each
		// other in a shared block: one write per run, whatever its length.
		for _, fr := range frames {
			if !f.match(fr) || (fr.Seq <= bookAfter && (fr.Kind == record.KindBook || fr.Kind == record.KindBookSnapshot)) {
				continue
			}
			if fr.Kind == record.KindTrade && isParty(trader, fr.Parties) {
				// the trader's own trade: the public frame with their order id(s).
				writeRun()
				write(fr.Data[:len(fr.Data)-3]) // up to the closing "}\n\n"
				write(appendOwnFields(nil, trader, fr.Parties, fr.Orders))
				write([]byte("}\n\n"))
				continue
			}
			if first != nil && fr.follows(last) {
				last = fr
				continue
			}
			writeRun()
			first, last = fr, fr
		}
		cursor = upTo
		if len(frames) == streamBatch {
			continue // more: the run goes on into the next batch
		}
		writeRun()
		if gap || len(frames) > 0 {
			if !flush() {
				return
			}
			flushed = time.Now()
		}
		select {
		case <-wake:
			// let events gather for a moment: one write and flush carries
			// many of them, which is what lets one server feed thousands
			// of clients at thousands of events a second.
			if d := s.cfg.Coalesce - time.Since(flushed); d > 0 {
				time.Sleep(d)
			}
		case <-hb.C:
			refreshDeadline()
			write([]byte(": heartbeat\n\n"))
			if !flush() {
				return
			}
		case <-tokensChanged:
			tokensChanged = s.tokens.Changed()
			if who, ok := s.tokens.Lookup(token); !ok || who != trader {
				s.revoked.Add(1)
				s.log.Info("stream closed: its token was revoked", "trader", trader)
				rc.SetWriteDeadline(time.Now().Add(time.Second))
				write([]byte("event: revoked\ndata: {\"reason\":\"the token was revoked\"}\n\n"))
				flush()
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// openStream counts a stream of the token key, unless it holds
// --max-streams already.
func (s *Server) openStream(key string) bool {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	if s.streams[key] >= s.cfg.MaxStreams {
		return false
	}
	s.streams[key]++
	s.openStreams.Add(1)
	return true
}

func (s *Server) closeStream(key string) {
	s.streamMu.Lock()
	defer s.streamMu.Unlock()
	if s.streams[key]--; s.streams[key] <= 0 {
		delete(s.streams, key)
	}
	s.openStreams.Add(-1)
}

// bookSnapshots returns a "book_snapshot" event (no id: it is not a hub
// event) of every instrument of f with a book, all as of the hub's newest
// event, and that event's sequence. They are encoded under the view's lock
// and written after it is released (a slow client must not hold up
// ingestion).
func (s *Server) bookSnapshots(f *filter) ([]byte, uint64) {
	var buf []byte
	s.mu.RLock()
	defer s.mu.RUnlock()
	at := s.hub.Last() // the view is updated and published under s.mu: consistent
	for _, sym := range s.view.BookSymbols() {
		if f.instruments != nil && !f.instruments[sym] {
			continue
		}
		snap, _ := s.view.BookSnapshot(sym)
		buf = append(buf, "event: book_snapshot\ndata: "...)
		buf = record.AppendBookSnapshotJSON(buf, &snap)
		buf = append(buf, "\n\n"...)
	}
	return buf, at
}
