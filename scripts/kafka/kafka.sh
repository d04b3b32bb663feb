#!/usr/bin/env bash
# kafka.sh — a real single-node Apache Kafka (KRaft, broker+controller) for tests
# and benchmarks, installed from Maven Central with mvn, run with java directly.
#
#   kafka.sh up          fetch (first use), format, start, wait until ready, print bootstrap
#   kafka.sh down        stop the broker started by `up`, wait for it to exit
#   kafka.sh status      say whether it runs (exit 0) or not (exit 1)
#   kafka.sh logs        print the tail of the broker log
#   kafka.sh fetch       only fetch the jars into .cache/kafka/<version>/libs
#   kafka.sh kcat        install kcat (Debian package) unless it is on PATH
#   kafka.sh kcat-check  produce and consume three records with kcat on the running broker
#
# Environment: KAFKA_VERSION (4.4.0), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
# KAFKA_KEEP_DATA=1 (reuse the data dir), KAFKA_HEAP_OPTS (-Xms512m -Xmx1g),
# KAFKA_READY_TIMEOUT (120s), KAFKA_MVN_ARGS (extra mvn args, e.g. -Dmaven.repo.local=DIR),
# KAFKA_JAVA (java binary; default $JAVA_HOME/bin/java or java), KAFKA_EXTRA_PROPS
# (extra server.properties lines), KAFKA_LOG_LINES (80).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="${KAFKA_VERSION:-4.4.0}"
port="${KAFKA_PORT:-9092}"
cport="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
cache="$root/.cache/kafka"
libs="$cache/$version/libs"
data="$cache/data"
run="$cache/run"
logs="$cache/logs"
pidfile="$cache/kafka.pid"
ready_bin="$cache/bin/kafka-ready"
bootstrap="127.0.0.1:$port"

say() { printf 'kafka: %s\n' "$*" >&2; }
die() { printf 'kafka: error: %s\n' "$*" >&2; exit 1; }

java_bin() {
	if [[ -n "${KAFKA_JAVA:-}" ]]; then echo "$KAFKA_JAVA"
	elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"
	else command -v java || die "java not found: install a JDK 17+ or set KAFKA_JAVA"
	fi
}

check_java() {
	local j major
	j="$(java_bin)"
	major="$("$j" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
	[[ "$major" =~ ^[0-9]+$ ]] || die "cannot tell the Java version of $j"
	((major >= 17)) || die "Kafka $version needs Java 17 or newer, $j is Java $major (set KAFKA_JAVA or JAVA_HOME)"
}

# running prints the pid of the broker started by `up` and succeeds if it still runs.
running() {
	[[ -f "$pidfile" ]] || return 1
	local pid
	pid="$(<"$pidfile")"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
	echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch() {
	[[ -f "$libs/.complete" ]] && return 0
	command -v mvn >/dev/null || die "mvn not found: it fetches Kafka from Maven Central (install maven)"
	say "fetching Apache Kafka $version and its runtime dependencies with mvn into ${libs#"$root"/}"
	local tmp="$libs.tmp.$$" mlog="$cache/mvn-$version.log"
	mkdir -p "$cache"
	rm -rf "$tmp"
	# shellcheck disable=SC2086 # KAFKA_MVN_ARGS is a list of arguments
	if ! mvn -B -q -Dstyle.color=never ${KAFKA_MVN_ARGS:-} -f "$here/pom.xml" \
		-Dkafka.version="$version" dependency:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$tmp" >"$mlog" 2>&1; then
		tail -n 40 "$mlog" >&2
		rm -rf "$tmp"
		die "mvn could not fetch org.apache.kafka:kafka_2.13:$version (full log: $mlog)"
	fi
	ls "$tmp"/kafka_2.13-"$version".jar >/dev/null 2>&1 || die "mvn ran but $tmp has no kafka_2.13-$version.jar"
	touch "$tmp/.complete"
	rm -rf "$libs"
	mkdir -p "$(dirname "$libs")"
	mv "$tmp" "$libs"
	say "fetched $(find "$libs" -name '*.jar' | wc -l) jars ($(du -sh "$libs" | cut -f1))"
}

# build_ready (re)builds the Go readiness probe when its sources are newer than the binary.
build_ready() {
	if [[ -x "$ready_bin" ]] && [[ -z "$(find "$here/ready" "$root/go.mod" "$root/go.sum" -newer "$ready_bin" -print -quit)" ]]; then
		return 0
	fi
	command -v go >/dev/null || die "go not found: it builds the readiness probe scripts/kafka/ready"
	mkdir -p "$(dirname "$ready_bin")"
	(cd "$root" && go build -o "$ready_bin" ./scripts/kafka/ready) || die "cannot build scripts/kafka/ready"
}

write_config() {
	mkdir -p "$run" "$logs"
	sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$cport|g" -e "s|@DATA_DIR@|$data|g" \
		"$here/server.properties.in" >"$run/server.properties"
	if [[ -n "${KAFKA_EXTRA_PROPS:-}" ]]; then
		printf '\n# KAFKA_EXTRA_PROPS\n%s\n' "$KAFKA_EXTRA_PROPS" >>"$run/server.properties"
	fi
	cp "$here/log4j2.xml" "$run/log4j2.xml"
}

# format gives the broker an empty, formatted data dir. The formatting JVM (kafka-storage
# format) runs once per configuration: its output is kept in .cache/kafka/<version>/formatted-<hash>
# and copied for every fresh start, which saves a JVM start each time.
format() {
	if [[ "${KAFKA_KEEP_DATA:-0}" == 1 && -f "$data/meta.properties" ]]; then
		say "KAFKA_KEEP_DATA=1: reusing ${data#"$root"/}"
		return 0
	fi
	local key tmpl tmp cid
	key="$(grep -v '^log\.dirs=' "$run/server.properties" | sha256sum | cut -c1-12)"
	tmpl="$cache/$version/formatted-$key"
	if [[ ! -f "$tmpl/meta.properties" ]]; then
		tmp="$tmpl.tmp.$$"
		rm -rf "$tmp"
		sed "s|^log\.dirs=.*|log.dirs=$tmp|" "$run/server.properties" >"$run/format.properties"
		# a cluster id is 16 random bytes in URL-safe base64 without padding (what `random-uuid`
		# prints); it may start with "-", hence --cluster-id=ID in one argument
		cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
		if ! "$(java_bin)" -Xmx256m -Dlog4j2.configurationFile="$run/log4j2.xml" -Dkafka.logs.dir="$logs" \
			-cp "$libs/*" kafka.tools.StorageTool format --cluster-id="$cid" --config "$run/format.properties" \
			>"$logs/format.log" 2>&1; then
			cat "$logs/format.log" >&2
			rm -rf "$tmp"
			die "kafka-storage format failed (log: $logs/format.log)"
		fi
		rm -rf "$tmpl"
		mv "$tmp" "$tmpl"
	fi
	rm -rf "$data"
	cp -a "$tmpl" "$data"
}

logtail() {
	local n="${1:-${KAFKA_LOG_LINES:-80}}"
	if [[ -s "$logs/server.log" ]]; then
		say "---- last $n lines of ${logs#"$root"/}/server.log ----"
		tail -n "$n" "$logs/server.log" >&2
	fi
	if [[ -s "$logs/stdout.log" ]]; then
		say "---- ${logs#"$root"/}/stdout.log (JVM output) ----"
		tail -n "$n" "$logs/stdout.log" >&2
	fi
}

up() {
	local pid
	if pid="$(running)"; then
		say "already up (pid $pid) on $bootstrap"
		echo "$bootstrap"
		return 0
	fi
	port_open "$port" && die "port $port is taken by another process (not ours): stop it or set KAFKA_PORT"
	port_open "$cport" && die "controller port $cport is taken by another process: set KAFKA_CONTROLLER_PORT"
	check_java
	build_ready &
	local build=$!
	fetch
	wait "$build" || die "cannot build the readiness probe scripts/kafka/ready"
	write_config
	format
	local heap="${KAFKA_HEAP_OPTS:--Xms512m -Xmx1g}"
	: >"$logs/stdout.log"
	# setsid + no inherited descriptors: the broker outlives make, holds no pipe of its caller
	# and not the lock (fd 9).
	# shellcheck disable=SC2086 # heap is a list of JVM options
	setsid "$(java_bin)" $heap -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
		-XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$run/log4j2.xml" -Dkafka.logs.dir="$logs" \
		-cp "$libs/*" kafka.Kafka "$run/server.properties" \
		</dev/null >>"$logs/stdout.log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$pidfile"
	say "started Apache Kafka $version (pid $pid), waiting for $bootstrap"
	if ! "$ready_bin" -brokers "$bootstrap" -pid "$pid" -timeout "${KAFKA_READY_TIMEOUT:-120s}"; then
		logtail
		stop_pid "$pid" 20
		rm -f "$pidfile"
		die "broker did not become ready on $bootstrap (logs: ${logs#"$root"/})"
	fi
	echo "$bootstrap"
}

# stop_pid sends SIGTERM (controlled shutdown) and waits up to $2 seconds, then SIGKILL.
stop_pid() {
	local pid="$1" secs="$2" i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	say "pid $pid still up after ${secs}s of SIGTERM: sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
}

down() {
	local pid
	if ! pid="$(running)"; then
		rm -f "$pidfile"
		say "not running"
		return 0
	fi
	stop_pid "$pid" 60
	rm -f "$pidfile"
	say "stopped (pid $pid)"
}

kcat_install() {
	if command -v kcat >/dev/null; then
		say "kcat already installed: $(command -v kcat)"
		return 0
	fi
	command -v apt-get >/dev/null || die "kcat missing and no apt-get to install it"
	local sudo=""
	((EUID == 0)) || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	local alog="$cache/apt-kcat.log"
	mkdir -p "$cache"
	# a fresh machine has no package lists, and stale ones name files the mirror dropped:
	# update first when kcat is unknown, and once more when the install fails
	if ! apt-cache show kcat >/dev/null 2>&1; then
		$sudo apt-get update -qq >"$alog" 2>&1 || { tail -n 20 "$alog" >&2; die "apt-get update failed"; }
	fi
	if ! $sudo apt-get install -y -qq kcat >>"$alog" 2>&1; then
		$sudo apt-get update -qq >>"$alog" 2>&1 || true
		if ! $sudo apt-get install -y -qq kcat >>"$alog" 2>&1; then
			tail -n 20 "$alog" >&2
			die "apt-get install kcat failed (log: $alog)"
		fi
	fi
	say "installed $(kcat -V 2>&1 | head -n 1)"
}

kcat_check() {
	running >/dev/null || die "broker not running: run 'make kafka-up' first"
	command -v kcat >/dev/null || die "kcat not installed: run 'make kcat' first"
	build_ready
	local topic="bourse-kcat-check-$$" want got
	"$ready_bin" -brokers "$bootstrap" -create "$topic" -timeout 30s >/dev/null
	want=$'one\ntwo\nthree'
	printf '%s\n' "$want" | kcat -q -b "$bootstrap" -t "$topic" -P -X acks=all
	got="$(timeout 30 kcat -q -b "$bootstrap" -t "$topic" -C -o beginning -e -f '%s\n')" || true
	"$ready_bin" -brokers "$bootstrap" -delete "$topic" -timeout 30s >/dev/null
	[[ "$got" == "$want" ]] || die "kcat round trip on $topic: want $(printf %q "$want"), got $(printf %q "$got")"
	say "kcat produced and consumed 3 records on $bootstrap"
}

# lock serialises up/down/kcat between make runs sharing this tree (parallel test runs).
lock() {
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	flock -w 600 9 || die "another kafka.sh held $cache/.lock for 10 minutes"
}

case "${1:-}" in
up) lock; up ;;
down) lock; down ;;
status)
	if pid="$(running)"; then say "up (pid $pid) on $bootstrap"; else say "not running"; exit 1; fi ;;
logs) logtail "${KAFKA_LOG_LINES:-100}" 2>&1 ;;
fetch) check_java; fetch ;;
kcat) lock; kcat_install ;;
kcat-check) kcat_check ;;
*) die "usage: $0 up|down|status|logs|fetch|kcat|kcat-check (got '${1:-}')" ;;
esac
