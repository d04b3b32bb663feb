package match

import (
	"strings"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/book"
)

// SessionSyntax is the form of --session, for help and errors.
const SessionSyntax = "PREOPEN-AUCTION/OPEN-CLOSE[@±HH:MM] (local HH:MM times, UTC offset; e.g. 09:00-09:08/09:15-15:30@+05:30), nse or off"

// sessionPresets are the named sessions of --session.
var sessionPresets = map[string]string{
	// NSE's equity day in IST: pre-open 09:00-09:08 (order entry, then
	// the call auction at 09:08), buffer to 09:15, continuous to 15:30.
	"nse": "09:00-09:08/09:15-15:30@+05:30",
}

// ParseSession reads a --session value into the book's daily schedule
// (without Ref and halts, which are per instrument): "" or "off" is none;
// a preset name (nse); or PREOPEN-AUCTION/OPEN-CLOSE@OFFSET, where
// pre-open runs from PREOPEN to the call auction at AUCTION, the buffer
// from AUCTION to OPEN (none when equal), continuous trading from OPEN to
// CLOSE, all local times HH:MM (CLOSE may be 24:00) in the zone OFFSET
// (+HH:MM or -HH:MM east of UTC; Z or absent: UTC).
func ParseSession(v string) (book.Session, error) {
	s := strings.TrimSpace(v)
	if s == "" || strings.EqualFold(s, "off") {
		return book.Session{}, nil
	}
	if p, ok := sessionPresets[strings.ToLower(s)]; ok {
		s = p
	}
	bad := func(why string) (book.Session, error) {
		return book.Session{}, setup.Usagef("--session", "expected %s, got %q (%s)", SessionSyntax, v, why)
	}
	var out book.Session
	days, zone, hasZone := strings.Cut(s, "@")
	if hasZone {
		off, ok := parseOffset(zone)
		if !ok {
			return bad("the offset is not Z, +HH:MM or -HH:MM")
		}
		out.Offset = off
	}
	pre, cont, ok := strings.Cut(days, "/")
	if !ok {
		return bad("no / between the pre-open and the continuous session")
	}
	var times [4]int64
	for i, part := range []string{pre, cont} {
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return bad("a session is not FROM-TO")
		}
		for j, t := range []string{a, b} {
			ms, ok := parseClock(t)
			if !ok {
				return bad("a time is not HH:MM from 00:00 to 24:00")
			}
			times[2*i+j] = ms
		}
	}
	out.PreOpen, out.Auction, out.Open, out.Close = times[0], times[1], times[2], times[3]
	if !(out.PreOpen < out.Auction && out.Auction <= out.Open && out.Open < out.Close) {
		return bad("expected pre-open < auction <= open < close")
	}
	if out.PreOpen == 24*hourMS {
		return bad("the pre-open starts at 24:00")
	}
	return out, nil
}

const hourMS = 3_600_000

// parseClock reads HH:MM (00:00-24:00) as ms after midnight.
func parseClock(t string) (int64, bool) {
	t = strings.TrimSpace(t)
	if len(t) != 5 || t[2] != ':' {
		return 0, false
	}
	h, ok1 := twoDigits(t[:2])
	m, ok2 := twoDigits(t[3:])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return int64(h)*hourMS + int64(m)*60_000, true
}

// parseOffset reads Z, +HH:MM or -HH:MM (at most 18:00) as ms east of UTC.
func parseOffset(z string) (int64, bool) {
	z = strings.TrimSpace(z)
	if z == "Z" || z == "z" {
		return 0, true
	}
	if len(z) != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':' {
		return 0, false
	}
	h, ok1 := twoDigits(z[1:3])
	m, ok2 := twoDigits(z[4:])
	if !ok1 || !ok2 || m > 59 || h > 18 {
		return 0, false
	}
	off := int64(h)*hourMS + int64(m)*60_000
	if z[0] == '-' {
		off = -off
	}
	return off, true
}

func twoDigits(s string) (int, bool) {
	if len(s) != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	return int(s[0]-'0')*10 + int(s[1]-'0'), true
}
