package serve

import (
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// fdReserve is how many file descriptors are kept out of --max-conns for
// the Kafka clients, the tokens file and the listener itself.
const fdReserve = 256

// connLimit is a net.Listener that holds at most max connections in total
// and perIP per source address. A connection over either cap is answered
// at once with a one-line HTTP error (503 over the total, 429 over the
// address's share) and closed, so a flood costs the server one accept and
// one descriptor for a moment, never a goroutine or a read.
type connLimit struct {
	net.Listener
	max, perIP int
	log        *slog.Logger

	mu    sync.Mutex
	total int
	byIP  map[string]int

	refused  atomic.Int64
	lastWarn atomic.Int64 // unix nanoseconds of the last refusal warning
}

func newConnLimit(ln net.Listener, max, perIP int, log *slog.Logger) *connLimit {
	return &connLimit{Listener: ln, max: max, perIP: perIP, log: log, byIP: map[string]int{}}
}

var (
	refuseTotal = refusal("503 Service Unavailable", "too many connections to the server; retry later")
	refuseIP    = refusal("429 Too Many Requests", "too many connections from your address; close some first")
)

// refusal is a whole HTTP answer with a JSON error body.
func refusal(status, msg string) string {
	body := `{"error":"` + msg + `"}` + "\n"
	return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// Accept returns the next connection within the caps; the ones over them
// are refused and closed here.
func (l *connLimit) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := hostOf(c.RemoteAddr())
		l.mu.Lock()
		var refusal string
		switch {
		case l.total >= l.max:
			refusal = refuseTotal
		case l.byIP[ip] >= l.perIP:
			refusal = refuseIP
		default:
			l.total++
			l.byIP[ip]++
		}
		l.mu.Unlock()
		if refusal == "" {
			return &limitedConn{Conn: c, l: l, ip: ip}, nil
		}
		l.refuse(c, ip, refusal)
	}
}

func (l *connLimit) refuse(c net.Conn, ip, answer string) {
	c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	c.Write([]byte(answer))
	c.Close()
	n := l.refused.Add(1)
	now := time.Now().UnixNano()
	if last := l.lastWarn.Load(); now-last > int64(10*time.Second) && l.lastWarn.CompareAndSwap(last, now) {
		l.log.Warn("refusing connections over the limits", "addr", ip, "max_conns", l.max, "max_conns_per_ip", l.perIP, "refused_total", n)
	}
}

func (l *connLimit) release(ip string) {
	l.mu.Lock()
	l.total--
	if l.byIP[ip]--; l.byIP[ip] <= 0 {
		delete(l.byIP, ip)
	}
	l.mu.Unlock()
}

// open returns the connections held.
func (l *connLimit) open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// limitedConn gives its slot back on the first Close.
type limitedConn struct {
	net.Conn
	l      *connLimit
	ip     string
	closed atomic.Bool
}

func (c *limitedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.l.release(c.ip)
	}
	return c.Conn.Close()
}

// CloseWrite half-closes the connection (net/http sends its FIN this way
// before a lingering close).
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

// hostOf is the source address without the port.
func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// fitConns checks want connections against the process's descriptor limit
// (RLIMIT_NOFILE): it raises the soft limit up to the hard one when that
// makes room, and otherwise returns a lower cap that leaves fdReserve
// descriptors free, with a warning. limit is 0 where it cannot be read.
func fitConns(want int, log *slog.Logger) (got int, limit uint64) {
	soft, hard, err := fdLimits()
	if err != nil {
		log.Warn("cannot read the descriptor limit; --max-conns is not checked", "err", err)
		return want, 0
	}
	need := uint64(want) + fdReserve
	if need > soft && hard > soft {
		if err := raiseFDLimit(min(need, hard)); err == nil {
			if s, _, err := fdLimits(); err == nil {
				soft = s
			}
		}
	}
	if need <= soft {
		return want, soft
	}
	got = int(soft) - fdReserve
	if got < 1 {
		got = 1
	}
	log.Warn("--max-conns exceeds the descriptor limit; lowering it", "max_conns", want, "lowered_to", got,
		"rlimit_nofile_soft", soft, "rlimit_nofile_hard", hard, "reserve", fdReserve)
	return got, soft
}
