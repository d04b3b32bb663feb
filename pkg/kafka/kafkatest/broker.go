package kafkatest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// The environment variables of the rule; EnvBrokers is kafka.EnvBrokers.
const (
	EnvBrokers = "BOURSE_KAFKA_BROKERS"
	EnvRequire = "BOURSE_REQUIRE_KAFKA"
)

// dialTimeout bounds the reachability check of one broker address.
const dialTimeout = 3 * time.Second

// Brokers returns the broker addresses for t by the package rule; an
// embedded broker gets partitions as its default partition count.
func Brokers(t testing.TB, partitions int) []string {
	t.Helper()
	brokers, _, stop, err := Start(partitions)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return brokers
}

// Real returns the real broker's addresses (rule 1), fails t under rule 2,
// and returns nil under rule 3: for suites that run on the embedded broker
// always and on the real one too when there is one.
func Real(t testing.TB) []string {
	t.Helper()
	brokers, err := fromEnv()
	if err != nil {
		t.Fatal(err)
	}
	return brokers
}

// Embedded starts an embedded broker for t, closed when t ends, and
// returns its address. Like the real broker of `make kafka-up`, it does not
// create topics on first use.
func Embedded(t testing.TB, partitions int) []string {
	t.Helper()
	brokers, stop, err := embedded(partitions)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return brokers
}

// EmbeddedCluster is Embedded returning the cluster itself, for tests
// that inject faults with its control hooks (kfake.Cluster.ControlKey).
func EmbeddedCluster(t testing.TB, partitions int) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(partitions))
	if err != nil {
		t.Fatalf("kafkatest: embedded broker: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Start is Brokers for a TestMain, where there is no testing.TB: isReal
// says the brokers are BOURSE_KAFKA_BROKERS'; stop closes an embedded
// broker and is a no-op otherwise.
func Start(partitions int) (brokers []string, isReal bool, stop func(), err error) {
	brokers, err = fromEnv()
	if err != nil {
		return nil, false, nil, err
	}
	if brokers != nil {
		return brokers, true, func() {}, nil
	}
	brokers, stop, err = embedded(partitions)
	return brokers, false, stop, err
}

// fromEnv applies rules 1 and 2: the reachable real brokers, an error, or nil
// when the embedded broker is allowed.
func fromEnv() ([]string, error) {
	env := os.Getenv(EnvBrokers)
	if strings.TrimSpace(env) == "" {
		if os.Getenv(EnvRequire) == "1" {
			return nil, fmt.Errorf("kafkatest: %s=1 but %s is not set: expected the address of a running broker (make kafka-up)", EnvRequire, EnvBrokers)
		}
		return nil, nil
	}
	var brokers []string
	for _, b := range strings.Split(env, ",") {
		if b = strings.TrimSpace(b); b != "" {
			brokers = append(brokers, b)
		}
	}
	var errs []error
	for _, b := range brokers {
		c, err := net.DialTimeout("tcp", b, dialTimeout)
		if err == nil {
			c.Close()
			return brokers, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("kafkatest: %s=%s: no broker answers: %w", EnvBrokers, env, errors.Join(errs...))
}

func embedded(partitions int) ([]string, func(), error) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(partitions))
	if err != nil {
		return nil, nil, fmt.Errorf("kafkatest: embedded broker: %w", err)
	}
	return c.ListenAddrs(), c.Close, nil
}
