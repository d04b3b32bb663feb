//go:build !unix

package book

func cpuNanos() int64 { return 0 }
