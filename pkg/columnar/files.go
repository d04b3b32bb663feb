package columnar

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/bourse/bourse/pkg/stream"
)

// BatchExt is the extension of micro-batch files.
const BatchExt = ".arrow"

// msPerDay is the length of a day partition in Unix milliseconds.
const msPerDay = 86_400_000

// DayOf returns the UTC day number (days since 1970-01-01) of a Unix ms time.
func DayOf(ms int64) int64 {
	d := ms / msPerDay
	if ms%msPerDay < 0 {
		d--
	}
	return d
}

// DayString formats a day number as YYYY-MM-DD (proleptic Gregorian, UTC).
func DayString(day int64) string {
	// Civil-from-days (H. Hinnant), so the package needs no time zone data.
	z := day + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 0 {
		return fmt.Sprintf("-%04d-%02d-%02d", -y, m, d)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// DayDir is the partition directory name of a day: "dt=YYYY-MM-DD".
func DayDir(day int64) string { return "dt=" + DayString(day) }

var batchName = regexp.MustCompile(`^(.+)-p(-?\d+)-(-?\d+)-(-?\d+)\.arrow$`)

// ParseBatchName recovers the Range from a micro-batch file's base name.
func ParseBatchName(name string) (stream.Range, error) {
	m := batchName.FindStringSubmatch(name)
	if m == nil {
		return stream.Range{}, fmt.Errorf("batch file name %q: want <source>-p<partition>-<first>-<last>%s", name, BatchExt)
	}
	p, err1 := strconv.ParseInt(m[2], 10, 32)
	first, err2 := strconv.ParseInt(m[3], 10, 64)
	last, err3 := strconv.ParseInt(m[4], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return stream.Range{}, fmt.Errorf("batch file name %q: %w", name, err)
	}
	if first > last {
		return stream.Range{}, fmt.Errorf("batch file name %q: first offset %d after last %d", name, first, last)
	}
	return stream.Range{Source: m[1], Partition: int32(p), First: first, Last: last}, nil
}

// checkRange rejects ranges that cannot name a file.
func checkRange(r stream.Range) error {
	switch {
	case r.Source == "" || r.Source == "." || r.Source == "..":
		return fmt.Errorf("range source %q: want a topic or file base name", r.Source)
	case strings.ContainsAny(r.Source, "/\\\x00") || strings.HasPrefix(r.Source, "."):
		return fmt.Errorf("range source %q: must not contain a path separator or start with a dot", r.Source)
	case r.First > r.Last:
		return fmt.Errorf("range %s: first offset after last", r)
	}
	return nil
}

// ListFiles returns the files under path with the given extension (or
// path itself when it is a file), sorted by path. Hidden names (a leading
// dot: temporary files) are skipped.
func ListFiles(path, ext string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ext) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// WriteFileAtomic writes data to path so that readers see the old file or
// the whole new one: a hidden temporary file in the same directory is
// written and fsynced, renamed over path, and the directory is fsynced.
// The directory is created if needed.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir fsyncs a directory so that renames in it are durable.
func SyncDir(dir string) error { return syncPath(dir) }

// syncPath fsyncs the file or directory at path.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// pendingSuffix ends the name of a staged (not yet published) batch file.
const pendingSuffix = ".pending"

// stagedName is the name of a batch file while its transaction is open:
// hidden (so ListFiles, the archive and readers skip it) and tagged with
// the transaction, ".<base>.<txn>.pending". With no transaction it is the
// visible name itself.
func stagedName(base, txn string) string {
	if txn == "" {
		return base
	}
	return "." + base + "." + txn + pendingSuffix
}

// publishedName turns a staged file's path into its visible path; ok is
// false when path is not a staged name.
func publishedName(path string) (string, bool) {
	dir, base := filepath.Split(path)
	if !strings.HasPrefix(base, ".") || !strings.HasSuffix(base, pendingSuffix) {
		return path, false
	}
	base = strings.TrimSuffix(base[1:], pendingSuffix)
	i := strings.LastIndexByte(base, '.')
	if i <= 0 || !strings.HasSuffix(base[:i], BatchExt) {
		return path, false
	}
	return dir + base[:i], true
}

// pendingFiles lists the staged files under dir whose range is of source
// and partition p.
func pendingFiles(dir, source string, p int32) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		final, ok := publishedName(path)
		if !ok {
			return nil
		}
		r, err := ParseBatchName(filepath.Base(final))
		if err == nil && r.Source == source && r.Partition == p {
			out = append(out, path)
		}
		return nil
	})
	return out, err
}
