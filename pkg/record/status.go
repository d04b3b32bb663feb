package record

import (
	"strconv"
	"strings"
)

// Status is a trading phase change of an instrument (the exchange rules'
// sessions and halts, docs/CONTRACT.md): from Time on, the instrument is
// in Phase, one of PRE_OPEN, BUFFER, CONTINUOUS, CLOSED or HALTED. Time
// is the scheduled boundary (or, for HALTED, the clock of the trade that
// halted it), Unix ms UTC.
type Status struct {
	Instrument string
	Phase      string
	Time       int64
}

// StatusFields is the table of Status.
var StatusFields = []Field[Status]{
	stringField("instrument", FieldSymbol, func(s *Status) *string { return &s.Instrument }).required(),
	stringField("phase", FieldSymbol, func(s *Status) *string { return &s.Phase }).required(),
	timeField("time", func(s *Status) *int64 { return &s.Time }).required(),
}

var statusDecoder = newDecoder(StatusFields)

// Phases are the trading phases a status record may carry.
var Phases = []string{"PRE_OPEN", "BUFFER", "CONTINUOUS", "CLOSED", "HALTED"}

// DecodeStatus decodes one status record; every field is required, the
// instrument must be a valid symbol and the phase one of Phases (in any
// case; *s holds its canonical name). On any error *s is left zero.
func DecodeStatus(line []byte, s *Status) error {
	if err := statusDecoder.decode(line, s); err != nil {
		return err
	}
	err := checkStatus(s)
	if err != nil {
		*s = Status{}
	}
	return err
}

func checkStatus(s *Status) error {
	if !validSymbol(s.Instrument) {
		return fieldError(ReasonBadField, "instrument", "1 to "+strconv.Itoa(maxSymbolLen)+" characters of A-Z 0-9 . - _ & starting with a letter or digit", gotText(kString, []byte(s.Instrument)))
	}
	for _, p := range Phases {
		if strings.EqualFold(s.Phase, p) {
			s.Phase = p
			return nil
		}
	}
	return fieldError(ReasonBadField, "phase", "one of "+strings.Join(Phases, ", "), gotText(kString, []byte(s.Phase)))
}
