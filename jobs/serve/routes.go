package serve

import (
	"embed"
	"io/fs"
	"net"
	"net/http"
	"strconv"
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
	"DELETE /api/orders",
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
		"DELETE /api/orders":                s.cancelAll,
		"GET /api/orders/{id}":              s.getOrder,
		"DELETE /api/orders/{id}":           s.cancelOrder,
		"GET /api/stream":                   s.stream,
	}
	for _, p := range Routes {
		m.Handle(p, s.auth(handlers[p]))
	}
	// the routes without a token: the dashboard, the OpenAPI document,
	// /healthz and the API's 404 share the per-address limit of requests
	// without a valid token.
	m.Handle("GET /api/openapi.json", s.public(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openapiJSON)
	})))
	m.Handle("GET /healthz", s.public(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "last_event_id": strconv.FormatUint(s.hub.Last(), 10),
			"records": s.ingested.Load(), "bad_records": s.bad.Load()})
	})))
	m.Handle("/api/", s.public(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API endpoint: "+r.Method+" "+r.URL.Path+" (see /api/openapi.json)")
	})))
	web, _ := fs.Sub(webFS, "web")
	m.Handle("/", s.public(http.FileServerFS(web)))
	s.mux = http.NewServeMux()
	s.mux.Handle("/", securityHeaders(m))
}

// auth authenticates the bearer token from the headers, before any body
// is read, applies the caller's rate limit and calls h with the caller's
// trader id. A request without a valid token is answered at once (401, or
// 429 over the address's limit) and its connection closed, so a body that
// trickles in is never waited for. The token is never logged.
func (s *Server) auth(h authed) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			s.unauthorized(w, r, `Bearer realm="bourse"`, "missing bearer token: send the header Authorization: Bearer <token>")
			return
		}
		trader, ok := s.tokens.Lookup(token)
		if !ok {
			s.unauthorized(w, r, `Bearer realm="bourse", error="invalid_token"`, "invalid bearer token")
			return
		}
		if err := CheckTrader(trader); err != nil { // the tokens file is checked on load; never trust it twice
			writeError(w, http.StatusBadRequest, "trader_id of the token: "+err.Error())
			return
		}
		if ok, wait := s.lim.allow(HashToken(token), s.now()); !ok {
			w.Header().Set("Retry-After", retryAfter(wait))
			writeError(w, http.StatusTooManyRequests, "rate limit exceeded: at most "+
				strconv.FormatFloat(s.cfg.Rate, 'g', -1, 64)+" requests a second (burst "+strconv.Itoa(s.cfg.Burst)+") per token")
			return
		}
		if r.ContentLength != 0 {
			if r.Method != http.MethodPost {
				dropBody(w, r) // no handler but POST reads a body
			} else {
				r.Body = s.pace(w, r.Body)
			}
		}
		h(w, r, trader)
	})
}

// unauthorized answers a request without a valid token: 429 when its
// source address is over --unauth-rate, else 401. The connection is closed
// after the answer.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, challenge, msg string) {
	dropBody(w, r)
	if !s.allowAnon(w, r) {
		return
	}
	w.Header().Set("WWW-Authenticate", challenge)
	writeError(w, http.StatusUnauthorized, msg)
}

// allowAnon takes one request from the source address's bucket of
// requests without a valid token, or answers 429 and closes the connection.
func (s *Server) allowAnon(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := s.anon.allow(remoteHost(r), s.now())
	if ok {
		return true
	}
	dropBody(w, r)
	w.Header().Set("Retry-After", retryAfter(wait))
	writeError(w, http.StatusTooManyRequests, "too many requests without a valid token from your address: at most "+
		strconv.FormatFloat(s.cfg.UnauthRate, 'g', -1, 64)+" a second (burst "+strconv.Itoa(s.cfg.UnauthBurst)+")")
	return false
}

// public serves h to callers without a token, within the per-address
// limit; a request body, which none of these routes reads, closes the
// connection after the answer.
func (s *Server) public(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dropBody(w, r)
		if s.allowAnon(w, r) {
			h.ServeHTTP(w, r)
		}
	})
}

// dropBody makes sure a request body that will not be read is not waited
// for either: net/http would read up to 256 KiB of it after the answer,
// for as long as --read-timeout, to reuse the connection. The connection is
// closed after the answer instead, at once.
func dropBody(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength == 0 {
		return
	}
	w.Header().Set("Connection", "close")
	http.NewResponseController(w).SetReadDeadline(time.Now())
}

// retryAfter is a Retry-After value in whole seconds, at least 1.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int(wait/time.Second) + 1)
}

// remoteHost is the request's source address without the port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
