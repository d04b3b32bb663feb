package columnar

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/bourse/bourse/pkg/record"
)

// The Arrow form of the record field tables (record.OrderFields, ...): a
// FieldID is uint64, FieldCount int64, FieldTime timestamp[ms, UTC],
// FieldFixed decimal(18, 8), FieldSymbol a dictionary string, FieldName
// and FieldText plain strings, FieldBool bool. A field that stores zero
// as null (Field.Null) is a nullable column.

func arrowField[T any](f *record.Field[T]) arrow.Field {
	var typ arrow.DataType
	switch f.Type {
	case record.FieldID:
		typ = arrow.PrimitiveTypes.Uint64
	case record.FieldCount:
		typ = arrow.PrimitiveTypes.Int64
	case record.FieldTime:
		typ = TimestampType
	case record.FieldFixed:
		typ = DecimalType
	case record.FieldSymbol:
		typ = DictStringType
	case record.FieldName, record.FieldText:
		typ = arrow.BinaryTypes.String
	case record.FieldBool:
		typ = arrow.FixedWidthTypes.Boolean
	default:
		panic(fmt.Sprintf("columnar: field %s has no column type", f.Name))
	}
	return arrow.Field{Name: f.Name, Type: typ, Nullable: f.Null}
}

// schemaFrom is the micro-batch schema of a field table.
func schemaFrom[T any](fields []record.Field[T]) *arrow.Schema {
	fs := make([]arrow.Field, len(fields))
	for i := range fields {
		fs[i] = arrowField(&fields[i])
	}
	return schemaOf(fs...)
}

// newCodec builds the codec of dataset ds from its field table, then the
// columns added to the dataset later (see Codec.Added), which must store
// zero as null.
func newCodec[T any](ds Dataset, fields []record.Field[T], added ...record.Field[T]) *Codec[T] {
	for _, f := range added {
		if !f.Null {
			panic(fmt.Sprintf("columnar: %s: added column %s must be nullable", ds, f.Name))
		}
	}
	base := len(fields)
	fields = append(fields[:base:base], added...)
	c := &Codec[T]{Dataset: ds, Fields: fields, Schema: schemaFrom(fields), base: base}
	var fixed []func(*T) int64
	appends := make([]func(array.Builder, *T), len(fields))
	for i := range fields {
		f := &fields[i]
		get, str := f.Int, f.Str
		switch f.Type {
		case record.FieldID:
			appends[i] = func(b array.Builder, v *T) { appendU64(b, uint64(get(v))) }
		case record.FieldCount:
			appends[i] = func(b array.Builder, v *T) { appendI64(b, get(v)) }
		case record.FieldTime:
			appends[i] = func(b array.Builder, v *T) { appendTS(b, get(v)) }
		case record.FieldFixed:
			appends[i] = func(b array.Builder, v *T) { appendDec(b, record.Fixed(get(v))) }
			fixed = append(fixed, get)
		case record.FieldSymbol:
			appends[i] = func(b array.Builder, v *T) { appendDict(b, str(v)) }
		case record.FieldBool:
			appends[i] = func(b array.Builder, v *T) { appendBool(b, get(v) != 0) }
		default:
			appends[i] = func(b array.Builder, v *T) { appendStr(b, str(v)) }
		}
		if f.Null {
			appends[i] = nullWhenZero(f, appends[i])
		}
	}
	c.check = func(v *T) error {
		for _, get := range fixed {
			if err := checkFixed(ds, record.Fixed(get(v))); err != nil {
				return err
			}
		}
		return nil
	}
	c.append = func(bs []array.Builder, v *T) {
		for i, a := range appends {
			a(bs[i], v)
		}
	}
	c.decode = func(cs *cols) func(int, *T) {
		sets := make([]func(int, *T), 0, len(fields))
		for i := range fields {
			if c.Added(i) && !cs.has(fields[i].Name) {
				continue // a file written before the column was added: zero
			}
			sets = append(sets, setter(cs, &fields[i]))
		}
		return func(row int, v *T) {
			for _, set := range sets {
				set(row, v)
			}
		}
	}
	return c
}

// nullWhenZero wraps the appender of field f to append a null for a zero
// value.
func nullWhenZero[T any](f *record.Field[T], appendValue func(array.Builder, *T)) func(array.Builder, *T) {
	zero := func(v *T) bool { return f.Int(v) == 0 }
	if f.Int == nil {
		zero = func(v *T) bool { return f.Str(v) == "" }
	}
	return func(b array.Builder, v *T) {
		if zero(v) {
			b.AppendNull()
		} else {
			appendValue(b, v)
		}
	}
}

// setter reads field f of a row from its column in cs; a null reads as
// zero.
func setter[T any](cs *cols, f *record.Field[T]) func(int, *T) {
	set, setStr := f.SetInt, f.SetStr
	switch f.Type {
	case record.FieldID:
		get := cs.u64(f.Name)
		return func(i int, v *T) { set(v, int64(get(i))) }
	case record.FieldCount:
		get := cs.i64(f.Name)
		return func(i int, v *T) { set(v, get(i)) }
	case record.FieldTime:
		get := cs.ts(f.Name)
		return func(i int, v *T) { set(v, get(i)) }
	case record.FieldFixed:
		get := cs.dec(f.Name)
		return func(i int, v *T) { set(v, int64(get(i))) }
	case record.FieldBool:
		get := cs.bool(f.Name)
		return func(i int, v *T) {
			if get(i) {
				set(v, 1)
			} else {
				set(v, 0)
			}
		}
	default:
		get := cs.str(f.Name)
		if check := f.CheckStr; check != nil {
			return func(i int, v *T) {
				s := get(i)
				if err := check(s); err != nil && cs.err == nil {
					cs.err = fmt.Errorf("%s: column %q row %d: %w", cs.ds, f.Name, i, err)
				}
				setStr(v, s)
			}
		}
		return func(i int, v *T) { setStr(v, get(i)) }
	}
}
