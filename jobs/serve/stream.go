package serve

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// streamBatch is how many events a subscriber takes from the hub at once.
const streamBatch = 512

// filter says which events a stream subscriber receives.
type filter struct {
	kinds       [numKinds]bool
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
	return fr.Kind != KindOrder || fr.Trader == f.trader
}

// parseFilter reads ?kinds= and ?instrument= (comma-separated lists).
func (s *Server) parseFilter(r *http.Request, trader string) (filter, string) {
	f := filter{trader: trader}
	q := r.URL.Query()
	if ks := q.Get("kinds"); ks != "" {
		for _, k := range strings.Split(ks, ",") {
			kind, ok := ParseKind(strings.TrimSpace(k))
			if !ok {
				return f, "kinds: expected a comma-separated list of trades, orders, bars, sma, profit; got " + strconv.Quote(k)
			}
			f.kinds[kind] = true
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
// from the oldest event held. Comments keep idle connections alive.
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
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString("retry: 2000\n: bourse stream for " + trader + "\n\n")
	if bw.Flush() != nil || rc.Flush() != nil {
		return
	}
	hb := time.NewTicker(s.cfg.Heartbeat)
	defer hb.Stop()
	buf := make([]Frame, 0, streamBatch)
	ctx := r.Context()
	var flushed time.Time
	for {
		frames, last, gap, wake := s.hub.Read(cursor, buf[:0], streamBatch)
		if gap {
			oldest := last + 1
			if len(frames) > 0 {
				oldest = frames[0].Seq
			}
			bw.WriteString("event: reset\ndata: {\"reason\":\"events after " + strconv.FormatUint(cursor, 10) +
				" are no longer held; refetch the snapshots\",\"oldest\":" + strconv.FormatUint(oldest, 10) + "}\n\n")
		}
		for i := range frames {
			if f.match(&frames[i]) {
				bw.Write(frames[i].Data)
			}
		}
		cursor = last
		if bw.Buffered() > 0 {
			if bw.Flush() != nil || rc.Flush() != nil {
				return
			}
			flushed = time.Now()
		}
		if len(frames) == streamBatch {
			continue
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
			bw.WriteString(": heartbeat\n\n")
			if bw.Flush() != nil || rc.Flush() != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}
