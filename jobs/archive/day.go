package archive

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/parquet"
)

// dayStats counts what archiving one dataset-day did.
type dayStats struct {
	filesRead, filesDropped, filesWritten int
	rowsRead, rowsDuplicate, rowsWritten  int64
	bytesWritten                          int64
}

// archiveDay reads the micro-batches in batchDay and writes the day's
// partition into stage (a fresh directory).
func archiveDay[T any](l *parquet.Layout[T], batchDay, stage string, opt parquet.Options) (dayStats, error) {
	var st dayStats
	files, err := columnar.ListFiles(batchDay, columnar.BatchExt)
	if err != nil {
		return st, err
	}
	keep, dropped, err := columnar.Plan(files)
	if err != nil {
		return st, err
	}
	st.filesRead, st.filesDropped = len(keep), len(dropped)
	var rows []T
	for _, sel := range keep {
		err := columnar.ReadArrowFileRows(l.Codec, sel, func(v *T, keepRow bool) {
			st.rowsRead++
			if keepRow {
				rows = append(rows, *v)
			} else {
				st.rowsDuplicate++
			}
		})
		if err != nil {
			return st, err
		}
	}
	c := l.Codec
	if c.Time != nil {
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := &rows[i], &rows[j]
			if ta, tb := c.Time(a), c.Time(b); ta != tb {
				return ta < tb
			}
			return c.Key(a) < c.Key(b)
		})
	}
	groups := map[string][]T{"": rows}
	if c.Instrument != nil {
		groups = map[string][]T{}
		for i := range rows {
			ins := c.Instrument(&rows[i])
			groups[ins] = append(groups[ins], rows[i])
		}
	}
	names := make([]string, 0, len(groups))
	for k := range groups {
		names = append(names, k)
	}
	slices.SortFunc(names, cmp.Compare)
	var buf bytes.Buffer
	for _, ins := range names {
		dir := stage
		if c.Instrument != nil {
			dir = filepath.Join(stage, "instrument="+parquet.PartitionValue(ins))
		}
		buf.Reset()
		if err := l.Write(&buf, groups[ins], opt); err != nil {
			return st, err
		}
		path := filepath.Join(dir, "part-0000"+parquet.Ext)
		if err := writeDurable(path, buf.Bytes()); err != nil {
			return st, err
		}
		st.filesWritten++
		st.rowsWritten += int64(len(groups[ins]))
		st.bytesWritten += int64(buf.Len())
	}
	return st, nil
}

// writeDurable writes a new file and fsyncs it and its directory.
func writeDurable(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return columnar.SyncDir(dir)
}
