// Command bourse runs the jobs of the bourse exchange suite: produce, match,
// sma, profit, archive, topics, run, serve and version. See `bourse --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/bourse/bourse/jobs/setup"
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

// exitCode maps an error to the process exit code: 2 for usage errors
// (setup.UsageError), 1 for everything else (I/O).
func exitCode(err error) int {
	if setup.IsUsage(err) {
		return 2
	}
	return 1
}
