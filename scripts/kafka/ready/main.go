package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// usageError marks bad command-line input (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "kafka-ready:", err)
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	os.Exit(1)
}

// config is what the command line asks for.
type config struct {
	brokers    []string
	timeout    time.Duration
	pid        int
	create     string
	delete     string
	partitions int
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("kafka-ready", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := os.Getenv("BOURSE_KAFKA_BROKERS")
	if def == "" {
		def = "127.0.0.1:9092"
	}
	var c config
	brokers := fs.String("brokers", def, "comma-separated bootstrap brokers (default from BOURSE_KAFKA_BROKERS)")
	fs.DurationVar(&c.timeout, "timeout", 120*time.Second, "give up after this long")
	fs.IntVar(&c.pid, "pid", 0, "fail at once if this broker process exits (0: don't watch)")
	fs.StringVar(&c.create, "create", "", "create this topic (replication factor 1) instead of probing")
	fs.StringVar(&c.delete, "delete", "", "delete this topic instead of probing")
	fs.IntVar(&c.partitions, "partitions", 1, "partitions for -create")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, usageError{fmt.Sprintf("unexpected arguments %q: every option is a flag", fs.Args())}
	}
	for _, b := range strings.Split(*brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			c.brokers = append(c.brokers, b)
		}
	}
	switch {
	case len(c.brokers) == 0:
		return c, usageError{"-brokers: want host:port[,host:port...], got an empty list"}
	case c.timeout <= 0:
		return c, usageError{fmt.Sprintf("-timeout: want a positive duration, got %v", c.timeout)}
	case c.create != "" && c.delete != "":
		return c, usageError{"-create and -delete: want at most one of them, got both"}
	case c.partitions < 1:
		return c, usageError{fmt.Sprintf("-partitions: want at least 1, got %d", c.partitions)}
	case c.pid < 0:
		return c, usageError{fmt.Sprintf("-pid: want a process id or 0, got %d", c.pid)}
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	switch {
	case c.create != "":
		if err := createTopic(ctx, c.brokers, c.create, c.partitions); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created topic %s (%d partitions)\n", c.create, c.partitions)
		return nil
	case c.delete != "":
		if err := deleteTopic(ctx, c.brokers, c.delete); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "deleted topic %s\n", c.delete)
		return nil
	}
	start := time.Now()
	n, err := waitReady(ctx, c.brokers, c.pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "kafka ready after %.1fs: %d broker(s), probe topic created, written and deleted\n",
		time.Since(start).Seconds(), n)
	return nil
}
