package columnar

import (
	"fmt"
	"math"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// ReadArrowFile calls fn with each record batch of the Arrow IPC file at
// path. A batch is released when fn returns; fn must Retain what it keeps.
func ReadArrowFile(path string, fn func(arrow.Record) error) error {
	return readArrowFile(path, memory.DefaultAllocator, fn)
}

func readArrowFile(path string, mem memory.Allocator, fn func(arrow.Record) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(mem))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer r.Close()
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordAt(i)
		if err != nil {
			return fmt.Errorf("%s: batch %d: %w", path, i, err)
		}
		err = fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// ReadSelection calls fn for each row of a planned micro-batch file whose
// source offset is past sel.After.
func ReadSelection[T any](c *Codec[T], sel Selection, fn func(v *T, srcOffset int64) error) error {
	return ReadArrowFile(sel.Path, func(rec arrow.Record) error {
		err := c.Decode(rec, func(v *T, off int64) error {
			if off <= sel.After {
				return nil
			}
			return fn(v, off)
		})
		if err != nil {
			return fmt.Errorf("%s: %w", sel.Path, err)
		}
		return nil
	})
}

// ReadBatches calls fn for each row of c's dataset in the micro-batch file
// or directory at path. A directory is walked recursively, files in name
// order, with overlapping ranges de-duplicated as Plan describes; a single
// file is read whole.
func ReadBatches[T any](c *Codec[T], path string, fn func(v *T, srcOffset int64) error) error {
	if st, err := os.Stat(path); err != nil {
		return err
	} else if !st.IsDir() {
		return ReadSelection(c, Selection{Path: path, After: math.MinInt64}, fn)
	}
	files, err := ListFiles(path, BatchExt)
	if err != nil {
		return err
	}
	keep, _, err := Plan(files)
	if err != nil {
		return err
	}
	for _, sel := range keep {
		if err := ReadSelection(c, sel, fn); err != nil {
			return err
		}
	}
	return nil
}

// ReadArrowFileRows calls fn for every row of a planned micro-batch file,
// saying whether the row is kept (its source offset is past sel.After) or
// is a duplicate of an earlier file's row.
func ReadArrowFileRows[T any](c *Codec[T], sel Selection, fn func(v *T, keep bool)) error {
	return ReadArrowFile(sel.Path, func(rec arrow.Record) error {
		err := c.Decode(rec, func(v *T, off int64) error {
			fn(v, off > sel.After)
			return nil
		})
		if err != nil {
			return fmt.Errorf("%s: %w", sel.Path, err)
		}
		return nil
	})
}
