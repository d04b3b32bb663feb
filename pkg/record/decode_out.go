package record

// Decoders for the records bourse writes (execution reports, bars, SMA,
// profit, rejects), driven by the field tables: one decoder reads any
// table's fields and checks its Required ones. They follow the JSON rules
// of OrderDecoder (unknown keys skipped, repeated keys rejected, null =
// absent, numbers or numeric strings, enums in any case) and read what the
// Append*JSON encoders write; they allocate their strings and are meant for
// tests, tools and the serving layer rather than hot loops. Unlike the
// input decoders they take lines of any length: a reject's raw text may
// itself be a whole oversize record.

// decoder is a field table prepared for decoding.
type decoder[T any] struct {
	fields []Field[T]
	names  []string
	index  fieldIndex
}

func newDecoder[T any](fields []Field[T]) *decoder[T] {
	names := Names(fields)
	return &decoder[T]{fields: fields, names: names, index: linearIndex(names)}
}

var (
	eventDecoder  = newDecoder(EventFields)
	barDecoder    = newDecoder(BarFields)
	smaDecoder    = newDecoder(SMAFields)
	profitDecoder = newDecoder(ProfitFields)
	rejectDecoder = newDecoder(RejectFields)
)

// DecodeEvent decodes one execution report; type and timestamp are
// required.
func DecodeEvent(line []byte, e *Event) error { return eventDecoder.decode(line, e) }

// DecodeBar decodes one OHLC bar; instrument, bar_start and bar_end are
// required.
func DecodeBar(line []byte, r *Bar) error { return barDecoder.decode(line, r) }

// DecodeSMA decodes one moving-average record; instrument, window_start and
// window_end are required.
func DecodeSMA(line []byte, r *SMA) error { return smaDecoder.decode(line, r) }

// DecodeProfit decodes one profit record; instrument, window_start and
// window_end are required.
func DecodeProfit(line []byte, r *Profit) error { return profitDecoder.decode(line, r) }

// DecodeReject decodes one reject record; reason is required.
func DecodeReject(line []byte, r *Reject) error { return rejectDecoder.decode(line, r) }

// decode decodes line, one flat object of the table's fields, into *r; on
// any error *r is left zero.
func (d *decoder[T]) decode(line []byte, r *T) error {
	var scratch []byte
	s := scanner{b: line}
	return d.read(&s, &scratch, true, r)
}

// read reads one object of the table's fields from s into *r (see
// scanner.object for whole); on any error *r is left zero.
func (d *decoder[T]) read(s *scanner, scratch *[]byte, whole bool, r *T) error {
	var zero T
	*r = zero
	present, err := s.object(scratch, d.names, d.index, whole, func(f int, k kind, v []byte) error {
		return d.fields[f].decode(r, d.names[f], k, v)
	})
	for f := 0; err == nil && f < len(d.fields); f++ {
		if d.fields[f].Required && present&(1<<f) == 0 {
			err = missing(d.names[f], "a value")
		}
	}
	if err != nil {
		*r = zero
	}
	return err
}

func eventTypeValue(k kind, v []byte) (EventType, error) {
	if k == kString {
		for t := Accepted; t <= Triggered; t++ {
			if eqFold(v, t.String()) {
				return t, nil
			}
		}
	}
	return 0, fieldError(ReasonBadField, "type", "an execution report type such as ACCEPTED or FILL", gotText(k, v))
}

func ownedString(field string, k kind, v []byte) (string, error) {
	v, err := stringValue(field, k, v)
	return string(v), err
}
