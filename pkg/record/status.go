package record

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

// DecodeStatus decodes one status record; every field is required.
func DecodeStatus(line []byte, s *Status) error { return statusDecoder.decode(line, s) }
