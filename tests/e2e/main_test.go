package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/kafka/kafkatest"
	"github.com/bourse/bourse/pkg/record"
)

var (
	bin     string   // the bourse binary under test
	brokers []string // the broker every test talks to
	real    bool     // brokers is a real Apache Kafka, not the embedded one
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "bourse-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin = filepath.Join(dir, "bourse")
	build := exec.Command("go", "build", "-o", bin, "github.com/bourse/bourse/cmd/bourse")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build bourse:", err)
		return 1
	}
	b, isReal, stop, err := kafkatest.Start(6)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stop()
	brokers, real = b, isReal
	if real {
		if err := ping(brokers); err != nil {
			fmt.Fprintf(os.Stderr, "broker %s cannot create topics: %v\n", strings.Join(brokers, ","), err)
			return 1
		}
	}
	return m.Run()
}

func ping(b []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return kafka.CreateTopics(ctx, kafka.Config{Brokers: b}, []string{"bourse-e2e-ping"}, 1, 1, nil)
}

// env is one test's isolated set of topics and groups.
type env struct {
	t       *testing.T
	prefix  string
	dir     string
	brokers []string // the broker this env's commands talk to
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, brokers, "--partitions", "6")
}

// newEnvOn makes an env on the brokers b; its topics are made with
// `topics create` and the flags in create.
func newEnvOn(t *testing.T, b []string, create ...string) *env {
	t.Helper()
	name := strings.NewReplacer("/", "-").Replace(strings.ToLower(t.Name()))
	e := &env{t: t, prefix: fmt.Sprintf("e2e-%s-%d", name, time.Now().UnixNano()%1_000_000_000), dir: t.TempDir(), brokers: b}
	e.bourse(30*time.Second, append([]string{"topics", "create"}, create...)...)
	return e
}

func (e *env) topics() kafka.Topics {
	return kafka.PrefixedTopics(e.prefix)
}

// flags are the connection and topic flags of this env.
func (e *env) flags() []string {
	t := e.topics()
	fl := []string{"--brokers", strings.Join(e.brokers, ","), "--orders-topic", t.Orders, "--instruments-topic", t.Instruments}
	for k := range record.NumKinds {
		fl = append(fl, "--"+k.Info().Flag, t.Out[k])
	}
	return fl
}

// group is the consumer group of a job in this env.
func (e *env) group(job string) []string { return []string{"--group", e.prefix + "-" + job} }

// command makes a bourse command with this env's flags after args.
func (e *env) command(ctx context.Context, args ...string) *exec.Cmd {
	args = append(args, e.flags()...)
	if len(args) > 0 && (args[0] == "match" || args[0] == "sma" || args[0] == "profit") {
		args = append(args, e.group(args[0])...)
		// Each test has its own state topics: the default ones may exist
		// with another partition count, made by another package's tests.
		args = append(args, "--state-topic", e.prefix+"-"+args[0]+"-state")
	}
	return exec.CommandContext(ctx, bin, args...)
}

// bourse runs a command to completion and fails the test if it fails.
func (e *env) bourse(timeout time.Duration, args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := e.command(ctx, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("bourse %s: %v\n%s", strings.Join(args, " "), err, tail(string(out), 40))
	}
	return string(out)
}

// file runs a file-mode command (no Kafka flags).
func file(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("bourse %s: %v\n%s", strings.Join(args, " "), err, tail(string(out), 20))
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
