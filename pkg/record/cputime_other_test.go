//go:build !unix

package record

func cpuNanos() int64 { return 0 }
