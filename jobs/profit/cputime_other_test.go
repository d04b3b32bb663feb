//go:build !unix

package profit

func cpuNanos() int64 { return 0 }
