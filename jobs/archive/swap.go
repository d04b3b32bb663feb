package archive

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/bourse/bourse/pkg/columnar"
)

// swapIn makes the directory stage appear at target in one step. If target
// exists, the two are exchanged atomically (renameat2 RENAME_EXCHANGE) and
// the old partition, now at stage, is removed. Where the file system cannot
// exchange, the old directory is renamed away first, which leaves a short
// window without the partition.
func swapIn(stage, target string) error {
	parent := filepath.Dir(target)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(stage, target); err != nil {
			return err
		}
		return columnar.SyncDir(parent)
	}
	err := unix.Renameat2(unix.AT_FDCWD, stage, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		old := stage + ".old"
		if err := os.Rename(target, old); err != nil {
			return err
		}
		if err := os.Rename(stage, target); err != nil {
			return err
		}
		stage = old
	} else if err != nil {
		return err
	}
	if err := columnar.SyncDir(parent); err != nil {
		return err
	}
	if err := columnar.SyncDir(filepath.Dir(stage)); err != nil {
		return err
	}
	return os.RemoveAll(stage)
}
