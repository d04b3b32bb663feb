package book

import (
	"encoding/binary"
	"fmt"
	"math"
)

// appendSession appends the session of version 3 or 4.
func appendSession(dst []byte, s *Session, version byte) []byte {
	for _, v := range [...]int64{s.Offset, s.PreOpen, s.Auction, s.Open, s.Close, s.Ref, s.HaltBP, s.HaltFor} {
		dst = binary.AppendVarint(dst, v)
	}
	if version >= snapWindow {
		dst = binary.AppendVarint(dst, s.HaltWindow)
	}
	return dst
}

// appendSessionState appends the session state of version 3 or 4.
func (b *Book) appendSessionState(dst []byte, version byte) []byte {
	ss := &b.ss
	dst = append(dst, byte(ss.phase), byte(ss.which))
	for _, v := range [...]int64{ss.at, ss.sched, ss.haltEnd, ss.href} {
		dst = binary.AppendVarint(dst, v)
	}
	if version >= snapWindow {
		dst = binary.AppendVarint(dst, ss.hbase)
	}
	dst = binary.AppendVarint(dst, ss.last)
	return append(dst, b2u(ss.hasDays))
}

// session reads the session of version 3 or 4; the zero Session for older
// versions.
func (d *decoder) session() Session {
	var s Session
	if d.version >= snapSession {
		for _, f := range [...]*int64{&s.Offset, &s.PreOpen, &s.Auction, &s.Open, &s.Close, &s.Ref, &s.HaltBP, &s.HaltFor} {
			*f = d.varint("session")
		}
	}
	if d.version >= snapWindow {
		s.HaltWindow = d.varint("halt window")
	}
	return s
}

// SnapshotSession returns the session of the book a snapshot was taken of
// (the zero Session for a book without one, and for versions 1 and 2; its
// HaltWindow is 0 for version 3). A
// caller whose session setting changed restores the snapshot into a book
// given this session, then calls SetSession with the new one.
func SnapshotSession(src []byte) (Session, error) {
	d, err := openSnapshot(src)
	if err != nil {
		return Session{}, err
	}
	d.str("symbol")
	d.varint("tick size")
	d.varint("lot size")
	d.byte("policy")
	d.varint("clock")
	d.uvarint("trade sequence")
	s := d.session()
	return s, d.err
}

// phaseWhich is the next boundary of the schedule (sessionState.which) in
// each phase: PRE_OPEN ends at the auction, BUFFER at the open,
// CONTINUOUS and HALTED at the close, CLOSED at the pre-open.
var phaseWhich = [...]int{Continuous: 3, PreOpen: 1, Buffer: 2, Closed: 0, Halted: 3}

// decodeSession reads and checks the session state of version 3 or 4,
// under the book's session (Restore has checked that it is the
// snapshot's), for a book whose clock will be clock and whose orders are
// orders; it returns the zero state for older versions.
func (b *Book) decodeSession(d *decoder, clock int64, orders []snapOrder) (sessionState, error) {
	var st sessionState
	if d.version < snapSession {
		return st, nil
	}
	s := &b.ss.sess
	st.phase, st.which = Phase(d.byte("phase")), int(d.byte("next boundary"))
	for _, f := range [...]*int64{&st.at, &st.sched, &st.haltEnd, &st.href} {
		*f = d.varint("session state")
	}
	if d.version >= snapWindow {
		st.hbase = d.varint("halt window start")
	}
	st.last = d.varint("session state")
	st.hasDays = d.flag("DAY orders flag")
	switch {
	case d.err != nil:
		return st, d.err
	case int(st.phase) >= len(phaseWhich) || st.which > 3 || (st.at != math.MinInt64 && st.which != phaseWhich[st.phase]):
		return st, fmt.Errorf("%w: expected a phase 0-4 and its next boundary, received phase %d, boundary %d", ErrBadSnapshot, st.phase, st.which)
	case st.href < 0 || st.last < 0:
		return st, fmt.Errorf("%w: expected non-negative reference and last trade prices, received %d and %d", ErrBadSnapshot, st.href, st.last)
	case (d.version >= snapWindow) != (s.HaltWindow != 0):
		return st, fmt.Errorf("%w: expected version %d exactly for a session with a halt window, received version %d for a window of %d ms",
			ErrBadSnapshot, snapWindow, d.version, s.HaltWindow)
	case st.hbase < 0 || st.hbase > clock:
		return st, fmt.Errorf("%w: expected a halt window start from 0 to the clock %d, received %d", ErrBadSnapshot, clock, st.hbase)
	}
	if st.at == math.MinInt64 { // SetSession, then no instruction yet
		if clock != 0 || st.phase != Continuous || st.haltEnd != 0 {
			return st, fmt.Errorf("%w: expected an unplaced session only at clock 0, CONTINUOUS, not halted; received clock %d, %s, halt end %d",
				ErrBadSnapshot, clock, st.phase, st.haltEnd)
		}
	} else {
		want := st.sched
		if st.haltEnd != 0 {
			want = min(st.sched, st.haltEnd)
		}
		tod := ((st.sched%Day+s.Offset)%Day + Day) % Day
		switch {
		case st.sched <= clock || tod != s.bound(st.which):
			return st, fmt.Errorf("%w: expected the next boundary %d after the clock %d at %d ms of the day, received %d at %d ms",
				ErrBadSnapshot, st.which, clock, s.bound(st.which), st.sched, tod)
		case (st.phase == Halted) != (st.haltEnd != 0) || (st.haltEnd != 0 && (st.haltEnd <= clock || s.HaltBP == 0)):
			return st, fmt.Errorf("%w: expected a halt end after the clock %d exactly when HALTED with halts on, received %s until %d",
				ErrBadSnapshot, clock, st.phase, st.haltEnd)
		case st.at != want:
			return st, fmt.Errorf("%w: expected the next session event at %d, received %d", ErrBadSnapshot, want, st.at)
		}
	}
	if !st.hasDays {
		for i := range orders {
			if orders[i].flags&flagDay != 0 {
				return st, fmt.Errorf("%w: order %d: expected no DAY order when the DAY flag is clear", ErrBadSnapshot, orders[i].id)
			}
		}
	}
	return st, nil
}

// restoreSession sets the session state after load: the decoded one st
// (version 3 or 4), or, for an older snapshot, the state SetSession would
// give the book at its clock. load has set hasDays from the orders.
func (b *Book) restoreSession(decoded bool, st *sessionState) {
	ss := &b.ss
	if decoded {
		ss.phase, ss.which, ss.at, ss.sched = st.phase, st.which, st.at, st.sched
		ss.haltEnd, ss.href, ss.hbase, ss.last, ss.hasDays = st.haltEnd, st.href, st.hbase, st.last, st.hasDays
		return
	}
	ss.phase, ss.at, ss.haltEnd, ss.href, ss.last = Continuous, math.MaxInt64, 0, ss.sess.Ref, 0
	ss.hbase = 0
	if ss.sess.HaltWindow != 0 {
		ss.hbase = b.clock
	}
	if ss.on {
		ss.at = math.MinInt64
		if b.clock != 0 {
			b.placeSession()
		}
	}
}
