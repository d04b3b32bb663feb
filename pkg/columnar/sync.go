package columnar

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
)

// writeFile writes data to a new file at path (its directory created if
// needed) without syncing it; syncStaged makes it durable.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncParallel bounds the fsyncs syncStaged runs at once.
const syncParallel = 8

// syncStaged fsyncs the files (paths relative to dir), then each of their
// directories once. The syncs of one round run in parallel: the file
// system can fold them into fewer journal commits, and a transaction waits
// for the slowest sync instead of their sum.
func syncStaged(dir string, files []string) error {
	if len(files) == 0 {
		return nil
	}
	paths := make([]string, len(files))
	dirs := map[string]bool{}
	for i, f := range files {
		paths[i] = filepath.Join(dir, f)
		dirs[filepath.Dir(paths[i])] = true
	}
	if err := eachParallel(paths, syncPath); err != nil {
		return err
	}
	ds := make([]string, 0, len(dirs))
	for d := range dirs {
		ds = append(ds, d)
	}
	return eachParallel(ds, SyncDir)
}

// eachParallel runs fn on every item, at most syncParallel at once, and
// returns the errors joined.
func eachParallel(items []string, fn func(string) error) error {
	if len(items) == 1 {
		return fn(items[0])
	}
	errs := make([]error, len(items))
	sem := make(chan struct{}, syncParallel)
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			errs[i] = fn(it)
			<-sem
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// removeStaged deletes staged files (paths relative to the directory)
// after a failed Stage; missing files are fine.
func (w *BatchWriter) removeStaged(files []string) {
	for _, f := range files {
		_ = os.Remove(filepath.Join(w.dir, f))
	}
}
