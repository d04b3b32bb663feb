package serve

import (
	"embed"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

//go:embed openapi.json
var openapiJSON []byte

//go:embed web
var webFS embed.FS

// authed is a handler that knows its caller.
type authed func(w http.ResponseWriter, r *http.Request, trader string)

// Routes lists the API routes (method and pattern), as documented in
// openapi.json.
var Routes = []string{
	"GET /api/instruments",
	"GET /api/instruments/{sym}/book",
	"GET /api/instruments/{sym}/trades",
	"GET /api/instruments/{sym}/bars",
	"GET /api/instruments/{sym}/sma",
	"GET /api/instruments/{sym}/profit",
	"GET /api/top-profit",
	"GET /api/me",
	"GET /api/orders",
	"POST /api/orders",
	"GET /api/orders/{id}",
	"DELETE /api/orders/{id}",
	"GET /api/stream",
}

func (s *Server) routes() {
	m := http.NewServeMux()
	handlers := map[string]authed{
		"GET /api/instruments":              s.instruments,
		"GET /api/instruments/{sym}/book":   s.book,
		"GET /api/instruments/{sym}/trades": s.trades,
		"GET /api/instruments/{sym}/bars":   s.bars,
		"GET /api/instruments/{sym}/sma":    s.smas,
		"GET /api/instruments/{sym}/profit": s.profits,
		"GET /api/top-profit":               s.topProfit,
		"GET /api/me":                       s.me,
		"GET /api/orders":                   s.listOrders,
		"POST /api/orders":                  s.placeOrder,
		"GET /api/orders/{id}":              s.getOrder,
		"DELETE /api/orders/{id}":           s.cancelOrder,
		"GET /api/stream":                   s.stream,
	}
	for _, p := range Routes {
		m.Handle(p, s.auth(handlers[p]))
	}
	m.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openapiJSON)
	})
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "last_event_id": strconv.FormatUint(s.hub.Last(), 10),
			"records": s.ingested.Load(), "bad_records": s.bad.Load()})
	})
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path+" (see /api/openapi.json)")
	})
	web, _ := fs.Sub(webFS, "web")
	m.Handle("/", http.FileServerFS(web))
	s.mux = http.NewServeMux()
	s.mux.Handle("/", securityHeaders(m))
}

// auth authenticates the bearer token, applies the caller's rate limit and
// calls h with the caller's trader id. The token is never logged.
func (s *Server) auth(h authed) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="bourse"`)
			writeError(w, http.StatusUnauthorized, "missing bearer token: send the header Authorization: Bearer <token>")
			return
		}
		trader, ok := s.tokens.Lookup(strings.TrimSpace(token))
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="bourse", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "invalid bearer token")
			return
		}
		if ok, wait := s.lim.allow(HashToken(token), s.now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			writeError(w, http.StatusTooManyRequests, "rate limit exceeded: at most "+
				strconv.FormatFloat(s.cfg.Rate, 'g', -1, 64)+" requests a second (burst "+strconv.Itoa(s.cfg.Burst)+") per token")
			return
		}
		h(w, r, trader)
	})
}
