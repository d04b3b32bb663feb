package parquet

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/common"
	"github.com/xitongsys/parquet-go/reader"
)

// ErrFile reports a Parquet file that is not one of the layout's.
var ErrFile = errors.New("unexpected parquet file")

// readBatchRows is how many rows ReadFile decodes at a time.
const readBatchRows = 64 * 1024

// ReadFile calls fn for each row of the Parquet file at path. The
// instrument, which is a partition key, is taken from an "instrument=..."
// directory of the path. A file without a column added to the dataset
// after it was written (the orders' exchange-rule fields) reads as null
// (zero) there; any other missing column is an ErrFile error. The record passed to fn is reused between calls.
func (l *Layout[T]) ReadFile(path string, fn func(*T) error) (err error) {
	instrument, err := InstrumentOf(path)
	if err != nil {
		return err
	}
	pf, err := local.NewLocalFileReader(path)
	if err != nil {
		return err
	}
	defer pf.Close()
	defer func() {
		// parquet-go panics on some corrupt files.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %w: %v", path, ErrFile, r)
		}
	}()
	pr, err := reader.NewParquetColumnReader(pf, 1)
	if err != nil {
		return fmt.Errorf("%s: %w: %v", path, ErrFile, err)
	}
	defer pr.ReadStop()
	root := pr.SchemaHandler.GetRootExName()
	cols := make([]column[T], 0, len(l.cols))
	for _, c := range l.cols {
		p := common.ReformPathStr(root + "." + c.name)
		if _, err := pr.SchemaHandler.ConvertToInPathStr(p); err != nil {
			if c.added {
				continue // a file written before the column was added: null
			}
			return fmt.Errorf("%s: %w: no column %q", path, ErrFile, c.name)
		}
		cols = append(cols, c)
	}
	total := pr.GetNumRows()
	rows := make([]T, 0, min(total, readBatchRows))
	for done := int64(0); done < total; {
		n := min(total-done, readBatchRows)
		rows = rows[:n]
		clear(rows)
		for _, c := range cols {
			vals, _, defs, err := pr.ReadColumnByPath(common.ReformPathStr(root+"."+c.name), n)
			if err != nil {
				return fmt.Errorf("%s: column %s: %w", path, c.name, err)
			}
			if int64(len(vals)) != n {
				return fmt.Errorf("%s: column %s: %w: %d values, want %d", path, c.name, ErrFile, len(vals), n)
			}
			for i, v := range vals {
				if v == nil || (len(defs) > i && c.opt && defs[i] == 0) {
					continue
				}
				if err := set(&rows[i], c, v); err != nil {
					return fmt.Errorf("%s: column %s: %w", path, c.name, err)
				}
			}
		}
		for i := range rows {
			if l.SetInstrument != nil {
				l.SetInstrument(&rows[i], instrument)
			}
			if err := fn(&rows[i]); err != nil {
				return err
			}
		}
		done += n
	}
	return nil
}

func set[T any](row *T, c column[T], v interface{}) error {
	if c.kind.isString() {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%w: value %T, want string", ErrFile, v)
		}
		if c.checkStr != nil {
			if err := c.checkStr(s); err != nil {
				return fmt.Errorf("%w: %w", ErrFile, err)
			}
		}
		c.setStr(row, s)
		return nil
	}
	if b, ok := v.(bool); ok && c.kind == kBool {
		c.setI64(row, boolBit(b))
		return nil
	}
	x, ok := v.(int64)
	if !ok {
		return fmt.Errorf("%w: value %T, want int64", ErrFile, v)
	}
	c.setI64(row, x)
	return nil
}

// NullPartition is Hive's name for a null partition value. Archives
// written here never use it (an empty instrument is "instrument="), but
// readers accept it as "".
const NullPartition = "__HIVE_DEFAULT_PARTITION__"

// PartitionValue escapes a partition value for a directory name: bytes
// outside [A-Za-z0-9._-] are percent-encoded (as pyarrow and DuckDB
// decode them). "" stays empty: pyarrow, pandas and DuckDB all read
// "instrument=" as the empty string, whereas pandas cannot load a
// NullPartition next to other values.
func PartitionValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' && i > 0 || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// InstrumentOf returns the instrument of the nearest "instrument=..."
// directory in path, or "" if there is none.
func InstrumentOf(path string) (string, error) {
	for dir := filepath.Dir(path); dir != "." && dir != "/" && dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		v, ok := strings.CutPrefix(filepath.Base(dir), "instrument=")
		if !ok {
			continue
		}
		if v == NullPartition {
			return "", nil
		}
		s, err := url.PathUnescape(v)
		if err != nil {
			return "", fmt.Errorf("%s: bad instrument partition %q: %w", path, v, err)
		}
		return s, nil
	}
	return "", nil
}
