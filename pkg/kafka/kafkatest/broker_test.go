package kafkatest_test

import (
	"net"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/kafka/kafkatest"
)

func TestEnvBrokersIsKafkas(t *testing.T) {
	if kafkatest.EnvBrokers != kafka.EnvBrokers {
		t.Fatalf("kafkatest.EnvBrokers = %q, kafka.EnvBrokers = %q", kafkatest.EnvBrokers, kafka.EnvBrokers)
	}
}

func TestStartRule(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := closed.Addr().String()
	closed.Close()
	live := ln.Addr().String()
	for _, c := range []struct {
		name, brokers, require string
		want                   string // the brokers, "embedded" or "error"
	}{
		{"embedded", "", "", "embedded"},
		{"embedded, require 0", "", "0", "embedded"},
		{"required but unset", "", "1", "error"},
		{"set", live, "", live},
		{"set and required", " " + live + " ", "1", live},
		{"one of two answers", dead + "," + live, "1", dead + "," + live},
		{"set but unreachable", dead, "", "error"},
		{"set but unreachable, required", dead, "1", "error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(kafkatest.EnvBrokers, c.brokers)
			t.Setenv(kafkatest.EnvRequire, c.require)
			brokers, isReal, stop, err := kafkatest.Start(1)
			switch {
			case c.want == "error":
				if err == nil {
					stop()
					t.Fatalf("Start = %v, want an error", brokers)
				}
			case err != nil:
				t.Fatalf("Start: %v", err)
			case c.want == "embedded":
				defer stop()
				if isReal || len(brokers) != 1 {
					t.Fatalf("Start = %v real=%v, want one embedded broker", brokers, isReal)
				}
				if conn, err := net.Dial("tcp", brokers[0]); err != nil {
					t.Fatalf("embedded broker does not answer: %v", err)
				} else {
					conn.Close()
				}
			default:
				defer stop()
				if !isReal || strings.Join(brokers, ",") != c.want {
					t.Fatalf("Start = %v real=%v, want %s, real", brokers, isReal, c.want)
				}
			}
		})
	}
}
