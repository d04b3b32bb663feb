package columnar

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/bourse/bourse/pkg/record"
)

// The Arrow form of the record field tables (record.OrderFields, ...): a
// FieldID is uint64, FieldCount int64, FieldTime timestamp[ms, UTC]
// (nullable when the field stores zero as null), FieldFixed
// decimal(18, 8), FieldSymbol a dictionary string, FieldName and FieldText
// plain strings.

func arrowField[T any](f *record.Field[T]) arrow.Field {
	switch f.Type {
	case record.FieldID:
		return u64(f.Name)
	case record.FieldCount:
		return i64(f.Name)
	case record.FieldTime:
		return arrow.Field{Name: f.Name, Type: TimestampType, Nullable: f.Null}
	case record.FieldFixed:
		return dec(f.Name)
	case record.FieldSymbol:
		return dict(f.Name)
	case record.FieldName, record.FieldText:
		return str(f.Name)
	}
	panic(fmt.Sprintf("columnar: field %s has no column type", f.Name))
}

// schemaFrom is the micro-batch schema of a field table.
func schemaFrom[T any](fields []record.Field[T]) *arrow.Schema {
	fs := make([]arrow.Field, len(fields))
	for i := range fields {
		fs[i] = arrowField(&fields[i])
	}
	return schemaOf(fs...)
}

// newCodec builds the codec of dataset ds from its field table.
func newCodec[T any](ds Dataset, fields []record.Field[T]) *Codec[T] {
	c := &Codec[T]{Dataset: ds, Fields: fields, Schema: schemaFrom(fields)}
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
			if f.Null {
				appends[i] = func(b array.Builder, v *T) {
					if t := get(v); t != 0 {
						appendTS(b, t)
					} else {
						b.AppendNull()
					}
				}
			}
		case record.FieldFixed:
			appends[i] = func(b array.Builder, v *T) { appendDec(b, record.Fixed(get(v))) }
			fixed = append(fixed, get)
		case record.FieldSymbol:
			appends[i] = func(b array.Builder, v *T) { appendDict(b, str(v)) }
		default:
			appends[i] = func(b array.Builder, v *T) { appendStr(b, str(v)) }
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
		sets := make([]func(int, *T), len(fields))
		for i := range fields {
			sets[i] = setter(cs, &fields[i])
		}
		return func(row int, v *T) {
			for _, set := range sets {
				set(row, v)
			}
		}
	}
	return c
}

// setter reads field f of a row from its column in cs.
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
	default:
		get := cs.str(f.Name)
		return func(i int, v *T) { setStr(v, get(i)) }
	}
}
