# bourse — make targets. Component targets live in mk/*.mk; this file holds
# the ones a newcomer types: demo, test, bench.
SHELL := /bin/bash
.DEFAULT_GOAL := build

GO      ?= go
BIN     := bin/bourse
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
export CGO_ENABLED ?= 0

.PHONY: build demo test test-lint test-go test-unit bench bench-kafka fuzz clean
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/bourse

# demo is the main job in one command: an embedded broker, a seeded order
# flow through produce -> match -> sma, profit, and a summary.
demo: build
	$(BIN) run --log-level warn

# test runs every test tier; the component files (mk/*.mk) add theirs:
# test-pods, test-kafka, test-dags, test-serve, test-analytics.
test: test-lint test-go

# test-lint: go.mod and go.sum as `go mod tidy` leaves them, go vet, and
# staticcheck (pinned; installed into .cache/tools on first use).
STATICCHECK_VERSION := v0.8.2
STATICCHECK := .cache/tools/staticcheck-$(STATICCHECK_VERSION)/staticcheck
$(STATICCHECK):
	GOBIN=$(abspath $(dir $@)) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

test-lint: $(STATICCHECK)
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(STATICCHECK) ./...

# test-go runs every Go test under the race detector (which needs cgo),
# the Kafka ones against the real broker (BOURSE_REQUIRE_KAFKA=1: no
# broker fails, never skips; pkg/kafka/kafkatest). The binaries the e2e
# tests run are built without it.
test-go: kafka-up kcat
	BOURSE_KAFKA_BROKERS=$(KAFKA_BROKERS) BOURSE_REQUIRE_KAFKA=1 CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 40m ./...

# test-unit is the fast tier: no broker, no Python (the Kafka tests use
# the embedded broker).
test-unit:
	$(GO) test -short -count=1 ./...

# bench prints the core's and the storage's figures (Go benchmarks,
# allocations reported): the order book (orders/s, p50/p99 latency), JSON
# decoding, bars and windows, Arrow micro-batches and the Parquet archive
# beside pqarrow, match's file mode with the book feed off and on, and the
# profit job at 10,000 instruments and 100,000 trades/s (one op is 5
# minutes of event time, 30 M trades, and a 0.7 GB trades file: about 2
# minutes per count on this machine). bench-kafka (mk/bench.mk) measures
# the pipeline on the real broker; bench-serve the SSE fan-out.
BENCH_COUNT ?= 3
bench:
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $$(cut -d' ' -f1-3 /proc/loadavg)"
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1s -count $(BENCH_COUNT) -cpu 1 ./pkg/book/ ./pkg/record/ ./pkg/window/
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) -cpu 1 ./pkg/columnar/ ./pkg/parquet/
	$(GO) test -run '^$$' -bench MatchFile -benchmem -benchtime 5x -count $(BENCH_COUNT) -cpu 1 ./jobs/match/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -count $(BENCH_COUNT) -cpu 1 -timeout 30m ./jobs/profit/

# fuzz runs every fuzz target for FUZZTIME each (decoders, the book, the
# windows, snapshots).
FUZZTIME ?= 30s
FUZZ_TARGETS := pkg/book:FuzzBook pkg/book:FuzzRestore pkg/record:FuzzDecodeOrder \
	pkg/record:FuzzDecodeTrade pkg/record:FuzzDecodeOutputs pkg/record:FuzzDecodeBook pkg/record:FuzzParseFixed \
	pkg/window:FuzzEngine pkg/window:FuzzRestore pkg/kafka:FuzzDecodeSnapshot
fuzz:
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
	  $(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s ./$$pkg/ || exit 1; \
	done

clean:
	rm -rf bin .cache/run

include $(wildcard mk/*.mk)
