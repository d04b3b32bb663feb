package book

import "github.com/bourse/bourse/pkg/record"

// InstrumentRules are the rules of in's book under the self-trade
// prevention mode stp: a static band of in's band_pct around its
// ref_price when in has one.
func InstrumentRules(in *record.Instrument, stp STPMode) Rules {
	r := Rules{STP: stp}
	if bp := in.BandBP(); bp != 0 {
		r.BandRef, r.BandBP = int64(in.RefPrice/in.TickSize), bp
	}
	return r
}

// InstrumentSession is the trading day day (a schedule: Offset and the
// four boundaries) as in's book runs it: ref_price is the auctions' and
// the halts' first reference, and in's halt_pct, halt_for and halt_window
// (seconds) set its volatility halts. The zero day is no session.
func InstrumentSession(in *record.Instrument, day Session) Session {
	if day == (Session{}) {
		return Session{}
	}
	s := day
	s.Ref = int64(in.RefPrice / in.TickSize)
	s.HaltBP, s.HaltFor, s.HaltWindow = in.HaltBP(), in.HaltFor*1000, in.HaltWindow*1000
	return s
}
