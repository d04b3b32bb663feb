package columnar

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"

	"github.com/bourse/bourse/pkg/record"
)

// MaxDecimal is the largest unscaled value a decimal(18, 8) column holds.
const MaxDecimal = 999_999_999_999_999_999

// ErrDecimalRange reports a price or quantity too large for decimal(18, 8).
var ErrDecimalRange = errors.New("value does not fit decimal(18,8)")

// ErrSchema reports an Arrow record whose columns are not the dataset's.
var ErrSchema = errors.New("unexpected arrow schema")

// checkFixed returns an error naming the first value outside decimal(18,8).
func checkFixed(ds Dataset, vs ...record.Fixed) error {
	for _, v := range vs {
		if v > MaxDecimal || v < -MaxDecimal {
			return fmt.Errorf("%s: %s: %w", ds, v, ErrDecimalRange)
		}
	}
	return nil
}

// fixedOf converts a decimal128 holding an unscaled int64 back to Fixed.
func fixedOf(n decimal128.Num) (record.Fixed, bool) {
	lo, hi := n.LowBits(), n.HighBits()
	if (hi == 0 && lo <= 1<<63-1) || (hi == -1 && lo >= 1<<63) {
		return record.Fixed(int64(lo)), true
	}
	return 0, false
}

// cols looks up a record's columns by name and checks their types; the
// first problem is kept in err.
type cols struct {
	rec arrow.Record
	ds  Dataset
	err error
}

// has reports whether the record has a column name.
func (c *cols) has(name string) bool { return len(c.rec.Schema().FieldIndices(name)) > 0 }

func (c *cols) col(name string) arrow.Array {
	idx := c.rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		if c.err == nil {
			c.err = fmt.Errorf("%s: column %q missing: %w", c.ds, name, ErrSchema)
		}
		return nil
	}
	return c.rec.Column(idx[0])
}

func (c *cols) typeErr(name string, a arrow.Array, want string) {
	if c.err == nil {
		c.err = fmt.Errorf("%s: column %q is %s, want %s: %w", c.ds, name, a.DataType(), want, ErrSchema)
	}
}

func (c *cols) u64(name string) func(int) uint64 {
	a := c.col(name)
	if v, ok := a.(*array.Uint64); ok {
		return v.Value
	}
	if a != nil {
		c.typeErr(name, a, "uint64")
	}
	return nil
}

func (c *cols) i64(name string) func(int) int64 {
	a := c.col(name)
	if v, ok := a.(*array.Int64); ok {
		return v.Value
	}
	if a != nil {
		c.typeErr(name, a, "int64")
	}
	return nil
}

// ts reads timestamp[ms]; nulls read as 0.
func (c *cols) ts(name string) func(int) int64 {
	a := c.col(name)
	v, ok := a.(*array.Timestamp)
	if !ok || v.DataType().(*arrow.TimestampType).Unit != arrow.Millisecond {
		if a != nil {
			c.typeErr(name, a, "timestamp[ms]")
		}
		return nil
	}
	return func(i int) int64 {
		if v.IsNull(i) {
			return 0
		}
		return int64(v.Value(i))
	}
}

// dec reads decimal128(18, 8); nulls read as 0.
func (c *cols) dec(name string) func(int) record.Fixed {
	a := c.col(name)
	v, ok := a.(*array.Decimal128)
	if !ok || v.DataType().(*arrow.Decimal128Type).Scale != record.Scale {
		if a != nil {
			c.typeErr(name, a, "decimal128(18, 8)")
		}
		return nil
	}
	return func(i int) record.Fixed {
		if v.IsNull(i) {
			return 0
		}
		f, ok := fixedOf(v.Value(i))
		if !ok && c.err == nil {
			c.err = fmt.Errorf("%s: column %q row %d: %w", c.ds, name, i, ErrDecimalRange)
		}
		return f
	}
}

// bool reads a bool column; nulls read as false.
func (c *cols) bool(name string) func(int) bool {
	a := c.col(name)
	if v, ok := a.(*array.Boolean); ok {
		return func(i int) bool { return v.IsValid(i) && v.Value(i) }
	}
	if a != nil {
		c.typeErr(name, a, "bool")
	}
	return nil
}

// str reads a string column, plain or dictionary-encoded; nulls read as "".
func (c *cols) str(name string) func(int) string {
	a := c.col(name)
	switch v := a.(type) {
	case *array.String:
		if v.NullN() > 0 {
			return func(i int) string {
				if v.IsNull(i) {
					return ""
				}
				return v.Value(i)
			}
		}
		return v.Value
	case *array.Dictionary:
		if d, ok := v.Dictionary().(*array.String); ok {
			return func(i int) string {
				if v.IsNull(i) {
					return ""
				}
				return d.Value(v.GetValueIndex(i))
			}
		}
	}
	if a != nil {
		c.typeErr(name, a, "string")
	}
	return nil
}

// appenders over a RecordBuilder's field builders.

func appendU64(b array.Builder, v uint64) { b.(*array.Uint64Builder).Append(v) }
func appendI64(b array.Builder, v int64)  { b.(*array.Int64Builder).Append(v) }
func appendTS(b array.Builder, v int64)   { b.(*array.TimestampBuilder).Append(arrow.Timestamp(v)) }
func appendDec(b array.Builder, v record.Fixed) {
	b.(*array.Decimal128Builder).Append(decimal128.FromI64(int64(v)))
}
func appendStr(b array.Builder, v string) { b.(*array.StringBuilder).Append(v) }
func appendBool(b array.Builder, v bool)  { b.(*array.BooleanBuilder).Append(v) }
func appendDict(b array.Builder, v string) {
	// The memo table copies new values, so the string's bytes can be lent
	// without a copy. Append only fails on a type mismatch, which the
	// schema rules out.
	_ = b.(*array.BinaryDictionaryBuilder).Append(unsafe.Slice(unsafe.StringData(v), len(v)))
}
