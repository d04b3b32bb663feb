//go:build unix

package serve

import "syscall"

// fdLimits returns the soft and hard RLIMIT_NOFILE.
func fdLimits() (soft, hard uint64, err error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, 0, err
	}
	return uint64(r.Cur), uint64(r.Max), nil
}

// raiseFDLimit sets the soft RLIMIT_NOFILE to n (at most the hard limit).
func raiseFDLimit(n uint64) error {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return err
	}
	r.Cur = min(n, uint64(r.Max))
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r)
}
