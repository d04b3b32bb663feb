# bourse — make targets. Component targets live in mk/*.mk; this file holds
# the ones a newcomer types: demo, test, bench.
SHELL := /bin/bash
.DEFAULT_GOAL := build

GO      ?= go
BIN     := bin/bourse
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
export CGO_ENABLED ?= 0

.PHONY: build demo test test-go test-unit bench bench-kafka fuzz clean
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/bourse

# demo is the main job in one command: an embedded broker, a seeded order
# flow through produce -> match -> sma, profit, and a summary.
demo: build
	$(BIN) run --log-level warn

# test runs every test tier; the component files (mk/*.mk) add theirs:
# test-pods, test-kafka, test-dags, test-serve, test-analytics.
test: test-go

# test-go runs every Go test, the Kafka ones against the real broker
# (BOURSE_REQUIRE_KAFKA=1: an unreachable broker fails, never skips).
test-go: kafka-up kcat
	$(GO) vet ./...
	BOURSE_KAFKA_BROKERS=$(KAFKA_BROKERS) BOURSE_REQUIRE_KAFKA=1 $(GO) test -count=1 -timeout 40m ./...

# test-unit is the fast tier: no broker, no Python (the Kafka tests use
# the embedded broker).
test-unit:
	$(GO) test -short -count=1 ./...

# bench prints the core's figures (Go benchmarks, allocations reported).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s -count 1 ./pkg/... ./jobs/...

clean:
	rm -rf bin .cache/run

include $(wildcard mk/*.mk)
