# Serving layer: API tests on the real broker, the dashboard's browser test,
# the SSE fan-out benchmark.
.PHONY: chromium test-serve test-serve-attack bench-serve

# chromium installs Debian's headless-capable browser for the browser test (idempotent).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@chromium --version

# test-serve runs the dashboard's browser test (headless Chromium), which
# may not skip here. The API tests on the real broker run in test-go.
test-serve: kafka-up chromium
	mkdir -p .cache/browser
	BOURSE_KAFKA_BROKERS=$(KAFKA_BROKERS) BOURSE_REQUIRE_KAFKA=1 BOURSE_REQUIRE_BROWSER=1 \
		$(GO) test -count=1 -artifacts -outputdir .cache/browser ./tests/browser/

# test-serve-attack: the serving layer under attack, on real sockets on
# 127.0.0.x (docs/serving.md, "Under attack"): 2,000 slow-body connections
# without a token while a trader's /api/me p99 and the RSS are measured,
# connection caps, an unauthenticated flood, revoked and stalled streams,
# streams per token, no other trader's id anywhere; token add's output.
# About 10 s; the figures are in the -v output. This run, without the race
# detector, is the one that asserts the latency and RSS bounds (test-go
# runs the same tests under -race, where they are only logged).
test-serve-attack:
	$(GO) test -count=1 -timeout 5m -v -run '^TestAttack' ./jobs/serve/
	$(GO) test -count=1 -run '^TestTokenAdd$$' ./cmd/bourse/

# bench-serve: 1,000 SSE clients in a child process, every trade and book update of a generated 10,000 orders/s flow for 5 s (BOURSE_BENCH_CLIENTS, _RATE, _SECONDS, _COALESCE); prints the machine and its load before and after.
bench-serve:
	@echo "machine: $$(nproc) cores, $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $$(uptime)"
	$(GO) test -run '^$$' -bench SSEFanout -benchtime 1x -timeout 5m ./jobs/serve/
	@echo "after: $$(uptime)"

test: test-serve test-serve-attack
