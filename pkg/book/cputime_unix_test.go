//go:build unix

package book

import "syscall"

// cpuNanos returns the CPU time (user + system) this process has used, so
// that benchmarks on a shared, busy machine can report CPU cost next to
// wall time.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
