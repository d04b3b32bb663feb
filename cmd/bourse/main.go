// Command bourse runs the jobs of the bourse exchange suite: produce, match,
// sma, profit, archive, topics, run. See `bourse --help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is stamped at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bourse:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode maps an error to the process exit code: 2 for usage errors,
// 1 for everything else (I/O).
func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) || isUsage(err) {
		return 2
	}
	return 1
}
