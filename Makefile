# bourse — make targets. Component targets live in mk/*.mk; this file holds
# the ones a newcomer types: demo, test, bench.
SHELL := /bin/bash
.DEFAULT_GOAL := build

GO      ?= go
BIN     := bin/bourse
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/bourse/bourse/cmd/bourse/version.Version=$(VERSION)
export CGO_ENABLED ?= 0

.PHONY: build demo test test-go bench fuzz clean
build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/bourse

# test runs every test tier. Component files add prerequisites to it.
test: test-go

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# bench prints the core's figures (Go benchmarks, allocations reported).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s -count 1 ./pkg/... ./jobs/...

clean:
	rm -rf bin .cache/run

include $(wildcard mk/*.mk)
