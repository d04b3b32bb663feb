package serve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// maxHeaderBytes bounds the request line and headers.
const maxHeaderBytes = 32 << 10

// Serve answers HTTP on ln until ctx is done, then shuts down (5 s for the
// requests in flight). Every connection has deadlines: --read-header-timeout
// for the headers, --read-timeout for the whole request, with a body that
// must keep up --min-body-rate after --body-grace; --write-timeout for the
// answer (the stream sets its own per write, --stall-timeout); and
// --idle-timeout between requests. ln is capped at --max-conns in total
// (lowered below RLIMIT_NOFILE when needed) and --max-conns-per-ip per
// source address. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	max, _ := fitConns(s.cfg.MaxConns, s.log)
	perIP := min(s.cfg.MaxConnsPerIP, max)
	cl := newConnLimit(ln, max, perIP, s.log)
	s.conns.Store(cl)
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(cl) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// connsOpen is the number of connections held (0 before Serve).
func (s *Server) connsOpen() int {
	if cl := s.conns.Load(); cl != nil {
		return cl.open()
	}
	return 0
}

// connsRefused is the number of connections refused over the caps.
func (s *Server) connsRefused() int64 {
	if cl := s.conns.Load(); cl != nil {
		return cl.refused.Load()
	}
	return 0
}

// errSlowBody is returned by a paced body that fell below --min-body-rate
// (or past --read-timeout).
var errSlowBody = errors.New("request body too slow")

// pace wraps a request body so that it fails when it arrives slower than
// --min-body-rate once --body-grace has passed, or past --read-timeout:
// before each read the connection's read deadline is set to the time the
// next byte is due.
func (s *Server) pace(w http.ResponseWriter, body io.ReadCloser) io.ReadCloser {
	now := time.Now()
	return &pacedBody{ReadCloser: body, rc: http.NewResponseController(w), start: now,
		end: now.Add(s.cfg.ReadTimeout), rate: float64(s.cfg.MinBodyRate), grace: s.cfg.BodyGrace}
}

type pacedBody struct {
	io.ReadCloser
	rc         *http.ResponseController
	start, end time.Time
	rate       float64 // bytes a second
	grace      time.Duration
	n          int64
	err        error
}

func (p *pacedBody) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	due := p.start.Add(max(p.grace, time.Duration(float64(p.n+1)/p.rate*float64(time.Second))))
	if due.After(p.end) {
		due = p.end
	}
	p.rc.SetReadDeadline(due)
	n, err := p.ReadCloser.Read(b)
	p.n += int64(n)
	// at the body's end net/http clears the read deadline for its
	// background read: the handler may take its time (a slow broker).
	var ne net.Error
	if err != nil && (errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()) {
		p.err = errSlowBody
		return n, p.err
	}
	return n, err
}
