package record

import "strings"

// FieldType says how a field is typed in every encoding: JSON (the
// Append*JSON encoders), Arrow (pkg/columnar) and Parquet (pkg/parquet).
type FieldType uint8

// Field types.
const (
	// FieldID is a uint64 id: a JSON number, Arrow uint64, Parquet INT64
	// UINT_64.
	FieldID FieldType = iota
	// FieldCount is an int64 count or rank: a JSON number, Arrow and
	// Parquet int64.
	FieldCount
	// FieldTime is Unix ms UTC: a JSON time string, Arrow timestamp[ms,
	// UTC], Parquet TIMESTAMP(MILLIS, UTC).
	FieldTime
	// FieldFixed is a price or quantity: a JSON number, Arrow and Parquet
	// decimal(18, 8).
	FieldFixed
	// FieldSymbol is a string of few distinct values (instrument, enum
	// names, reason codes): dictionary-encoded in Arrow and Parquet.
	FieldSymbol
	// FieldName is a string of many repeated values (trader ids): a plain
	// Arrow string, dictionary-encoded in Parquet.
	FieldName
	// FieldText is free text (messages, raw records, sources): plain in
	// Arrow and Parquet.
	FieldText
	// FieldLevels is a JSON array of book levels; it has no column.
	FieldLevels
	// FieldBool is a JSON true or false (Int 1 or 0): Arrow bool, Parquet
	// BOOLEAN.
	FieldBool
)

// Field is one field of a record type T: its name (in JSON and as a column),
// its type, its presence rules and its accessors. A record type's fields in
// order are its table (OrderFields, TradeFields, ...), declared beside the
// type. The Arrow schema and codec (pkg/columnar), the Parquet layout
// (pkg/parquet) and the output decoders (decode_out.go) are built from the
// tables; a differential test (fields_test.go) checks the hand-written
// JSON encoders (encode.go) and the hot decoders of orders and trades
// against them. A new field goes into the struct and its table, then into
// the encoder (and the hot decoder) until that test passes.
type Field[T any] struct {
	Name string
	Type FieldType
	// Omit: the JSON encoder leaves the field out when it is zero (0, "",
	// an unset side).
	Omit bool
	// Null: Arrow and Parquet store a zero value (0, "", false) as null,
	// and read a null as zero.
	Null bool
	// Required: the decoders reject a record without the field
	// (MISSING_FIELD). Order fields required only for some actions are
	// not marked (see OrderDecoder).
	Required bool
	// Int and SetInt read and write FieldID (the uint64's bits),
	// FieldCount, FieldTime and FieldFixed values.
	Int    func(*T) int64
	SetInt func(*T, int64)
	// Str and SetStr read and write string values; enums as their names.
	Str    func(*T) string
	SetStr func(*T, string)
	// CheckStr, for enums only, reports a name SetStr would not know
	// (BAD_FIELD), so that a columnar file holding one is refused rather
	// than read as the zero value; the zero value's name is known (STP's
	// is "", a null).
	CheckStr func(string) error

	decode func(r *T, field string, k kind, v []byte) error
}

func (f Field[T]) omit() Field[T]     { f.Omit = true; return f }
func (f Field[T]) null() Field[T]     { f.Null = true; return f }
func (f Field[T]) required() Field[T] { f.Required = true; return f }

func idField[T any](name string, p func(*T) *uint64) Field[T] {
	return Field[T]{Name: name, Type: FieldID,
		Int:    func(r *T) int64 { return int64(*p(r)) },
		SetInt: func(r *T, v int64) { *p(r) = uint64(v) },
		decode: func(r *T, field string, k kind, v []byte) error {
			n, err := countValue(field, k, v)
			*p(r) = uint64(n)
			return err
		}}
}

func countField[T any](name string, p func(*T) *int64) Field[T] {
	return Field[T]{Name: name, Type: FieldCount,
		Int:    func(r *T) int64 { return *p(r) },
		SetInt: func(r *T, v int64) { *p(r) = v },
		decode: func(r *T, field string, k kind, v []byte) (err error) {
			*p(r), err = countValue(field, k, v)
			return err
		}}
}

func timeField[T any](name string, p func(*T) *int64) Field[T] {
	f := countField(name, p)
	f.Type = FieldTime
	f.decode = func(r *T, field string, k kind, v []byte) (err error) {
		*p(r), err = timeValue(field, k, v)
		return err
	}
	return f
}

func fixedField[T any](name string, p func(*T) *Fixed) Field[T] {
	return Field[T]{Name: name, Type: FieldFixed,
		Int:    func(r *T) int64 { return int64(*p(r)) },
		SetInt: func(r *T, v int64) { *p(r) = Fixed(v) },
		decode: func(r *T, field string, k kind, v []byte) (err error) {
			*p(r), err = fixedValue(field, k, v)
			return err
		}}
}

func stringField[T any](name string, typ FieldType, p func(*T) *string) Field[T] {
	return Field[T]{Name: name, Type: typ,
		Str:    func(r *T) string { return *p(r) },
		SetStr: func(r *T, s string) { *p(r) = s },
		decode: func(r *T, field string, k kind, v []byte) (err error) {
			*p(r), err = ownedString(field, k, v)
			return err
		}}
}

// enum is a uint8 enumeration with wire names.
type enum interface {
	~uint8
	String() string
}

// enumField is a FieldSymbol holding one of values by name: SetStr takes
// the name in any case (an unknown one gives the zero value, which
// CheckStr reports), parse reads JSON.
func enumField[T any, E enum](name string, p func(*T) *E, parse func(field string, k kind, v []byte) (E, error), values ...E) Field[T] {
	var zero E
	byName := map[string]E{zero.String(): zero}
	names := make([]string, len(values))
	for i, e := range values {
		byName[e.String()] = e
		names[i] = e.String()
	}
	lookup := func(s string) (E, bool) {
		if e, ok := byName[s]; ok {
			return e, true
		}
		for n, e := range byName {
			if strings.EqualFold(n, s) {
				return e, true
			}
		}
		return zero, false
	}
	expected := "one of " + strings.Join(names, ", ")
	return Field[T]{Name: name, Type: FieldSymbol,
		Str:    func(r *T) string { return (*p(r)).String() },
		SetStr: func(r *T, s string) { *p(r), _ = lookup(s) },
		CheckStr: func(s string) error {
			if _, ok := lookup(s); !ok {
				return fieldError(ReasonBadField, name, expected, gotText(kString, []byte(s)))
			}
			return nil
		},
		decode: func(r *T, field string, k kind, v []byte) (err error) {
			*p(r), err = parse(field, k, v)
			return err
		}}
}

func sideField[T any](name string, p func(*T) *Side) Field[T] {
	return enumField(name, p, sideValue, Buy, Sell)
}

func orderTypeField[T any](name string, p func(*T) *OrderType) Field[T] {
	return enumField(name, p, orderTypeValue, Limit, Market)
}

func tifField[T any](name string, p func(*T) *TimeInForce) Field[T] {
	return enumField(name, p, tifValue, GTC, IOC, FOK, DAY)
}

// Names lists the names of fields in order.
func Names[T any](fields []Field[T]) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name
	}
	return out
}
