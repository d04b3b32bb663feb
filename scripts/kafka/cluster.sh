#!/usr/bin/env bash
# cluster.sh — a local multi-node Apache Kafka KRaft cluster (every node a combined
# broker + controller) for the fault tests: kill a partition leader, stop every broker.
# The same jars as kafka.sh (.cache/kafka/<version>/libs); its own ports and directory,
# so it runs beside the single broker of `make kafka-up` on 9092.
#
#   cluster.sh up         fetch (first use), format every node, start them, wait until all serve
#   cluster.sh down       stop every node (SIGTERM, then SIGKILL), remove the data
#   cluster.sh status     list the nodes and whether each runs (exit 1 if any is down)
#   cluster.sh brokers    print the bootstrap list (host:port,...)
#   cluster.sh kill N     kill -9 node N (1-based); its data stays
#   cluster.sh stop N     SIGTERM node N and wait for it to exit
#   cluster.sh start N    start node N again on its existing data, wait until it serves
#   cluster.sh pause N    freeze node N (SIGSTOP): connections stay open, nothing answers
#   cluster.sh resume N   thaw node N (SIGCONT)
#   cluster.sh logs [N]   tail of node N's server.log (default: every node)
#
# Environment: KAFKA_CLUSTER_NAME (cluster: data, logs and pids under .cache/kafka-<name>),
# KAFKA_CLUSTER_NODES (3), KAFKA_CLUSTER_PORT (19092: node N listens on PORT+N-1),
# KAFKA_CLUSTER_CONTROLLER_PORT (PORT+100), KAFKA_CLUSTER_HEAP (-Xms256m -Xmx768m),
# KAFKA_READY_TIMEOUT (120s), KAFKA_VERSION (4.4.0), KAFKA_JAVA / JAVA_HOME, KAFKA_LOG_LINES (60).
# Replication: every topic defaults to min(3, nodes) replicas and min.insync.replicas 2 (1 on a
# 1- or 2-node cluster); the offsets and transaction state topics alike.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="${KAFKA_VERSION:-4.4.0}"
name="${KAFKA_CLUSTER_NAME:-cluster}"
nodes="${KAFKA_CLUSTER_NODES:-3}"
port="${KAFKA_CLUSTER_PORT:-19092}"
cport="${KAFKA_CLUSTER_CONTROLLER_PORT:-$((port + 100))}"
libs="$root/.cache/kafka/$version/libs"
dir="$root/.cache/kafka-$name"
ready_bin="$dir/bin/kafka-ready"
timeout="${KAFKA_READY_TIMEOUT:-120s}"

say() { printf 'kafka-%s: %s\n' "$name" "$*" >&2; }
die() { printf 'kafka-%s: error: %s\n' "$name" "$*" >&2; exit 1; }

[[ "$nodes" =~ ^[1-9]$ ]] || die "KAFKA_CLUSTER_NODES: want 1..9, got '$nodes'"
[[ "$port" =~ ^[0-9]+$ && "$cport" =~ ^[0-9]+$ ]] || die "ports: want numbers, got '$port' and '$cport'"
rf=$((nodes < 3 ? nodes : 3))
minisr=$((nodes < 3 ? 1 : 2))

java_bin() {
	if [[ -n "${KAFKA_JAVA:-}" ]]; then echo "$KAFKA_JAVA"
	elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"
	else command -v java || die "java not found: install a JDK 17+ or set KAFKA_JAVA"
	fi
}

node_port() { echo $((port + $1 - 1)); }
node_cport() { echo $((cport + $1 - 1)); }
node_dir() { echo "$dir/node-$1"; }
bootstrap() {
	local i out=""
	for ((i = 1; i <= nodes; i++)); do out+="${out:+,}127.0.0.1:$(node_port "$i")"; done
	echo "$out"
}

check_node() {
	[[ "$1" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= nodes)) || die "node: want 1..$nodes, got '$1'"
}

# running prints node N's pid and succeeds if that process still runs.
running() {
	local pidfile pid
	pidfile="$(node_dir "$1")/kafka.pid"
	[[ -f "$pidfile" ]] || return 1
	pid="$(<"$pidfile")"
	[[ "$pid" =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
	echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

build_ready() {
	if [[ -x "$ready_bin" ]] && [[ -z "$(find "$here/ready" "$root/go.mod" "$root/go.sum" -newer "$ready_bin" -print -quit)" ]]; then
		return 0
	fi
	mkdir -p "$(dirname "$ready_bin")"
	(cd "$root" && go build -o "$ready_bin" ./scripts/kafka/ready) || die "cannot build scripts/kafka/ready"
}

write_config() {
	local i="$1" d voters="" j
	d="$(node_dir "$i")"
	for ((j = 1; j <= nodes; j++)); do voters+="${voters:+,}$j@127.0.0.1:$(node_cport "$j")"; done
	mkdir -p "$d/logs"
	cat >"$d/server.properties" <<EOF
# Node $i of the $nodes-node KRaft cluster '$name' (written by scripts/kafka/cluster.sh).
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(node_port "$i"),CONTROLLER://127.0.0.1:$(node_cport "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(node_port "$i")
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$d/data

# Replication: $rf replicas, $minisr in sync for an acks=all write; internal topics alike.
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$minisr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$minisr
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$minisr
unclean.leader.election.enable=false

# A killed node is fenced after 6 s (default 9 s): the fault tests wait less for new leaders.
broker.session.timeout.ms=6000
broker.heartbeat.interval.ms=1000

auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
log.segment.bytes=134217728
log.retention.hours=24
log.cleaner.dedupe.buffer.size=33554432
EOF
	cp "$here/log4j2.xml" "$d/log4j2.xml"
}

format_node() {
	local i="$1" cid="$2" d
	d="$(node_dir "$i")"
	rm -rf "$d/data"
	"$(java_bin)" -Xmx256m -Dlog4j2.configurationFile="$d/log4j2.xml" -Dkafka.logs.dir="$d/logs" \
		-cp "$libs/*" kafka.tools.StorageTool format --cluster-id="$cid" --config "$d/server.properties" \
		>"$d/logs/format.log" 2>&1 || { cat "$d/logs/format.log" >&2; return 1; }
}

launch() {
	local i="$1" d pid
	d="$(node_dir "$i")"
	port_open "$(node_port "$i")" && die "port $(node_port "$i") of node $i is taken by another process: set KAFKA_CLUSTER_PORT"
	port_open "$(node_cport "$i")" && die "controller port $(node_cport "$i") of node $i is taken: set KAFKA_CLUSTER_CONTROLLER_PORT"
	local heap="${KAFKA_CLUSTER_HEAP:--Xms256m -Xmx768m}"
	# setsid + no inherited descriptors: the node outlives its caller and holds no lock (fd 9).
	# shellcheck disable=SC2086 # heap is a list of JVM options
	setsid "$(java_bin)" $heap -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
		-Dlog4j2.configurationFile="$d/log4j2.xml" -Dkafka.logs.dir="$d/logs" \
		-cp "$libs/*" kafka.Kafka "$d/server.properties" \
		</dev/null >>"$d/logs/stdout.log" 2>&1 9>&- &
	pid=$!
	echo "$pid" >"$d/kafka.pid"
	say "started node $i (pid $pid) on 127.0.0.1:$(node_port "$i")"
}

logtail() {
	local i="$1" n="${KAFKA_LOG_LINES:-60}" d
	d="$(node_dir "$i")"
	for f in "$d/logs/server.log" "$d/logs/stdout.log"; do
		[[ -s "$f" ]] || continue
		say "---- node $i: last $n lines of ${f#"$root"/} ----"
		tail -n "$n" "$f" >&2
	done
}

# wait_ready probes node $1 (or, with no argument, the whole cluster) until it serves
# and metadata lists every node.
wait_ready() {
	local b="${1:-$(bootstrap)}" deadline out n
	deadline=$((SECONDS + ${timeout%s}))
	while :; do
		if out="$("$ready_bin" -brokers "$b" -timeout 20s 2>&1)"; then
			n="$(sed -n 's/.*: \([0-9]*\) broker(s).*/\1/p' <<<"$out")"
			[[ "$n" == "$nodes" ]] && return 0
			out="metadata lists $n of $nodes brokers"
		fi
		((SECONDS < deadline)) || { say "last probe: $out"; return 1; }
		sleep 0.5
	done
}

up() {
	local i pid all=1
	for ((i = 1; i <= nodes; i++)); do running "$i" >/dev/null || all=0; done
	if ((all)); then
		say "already up"
		bootstrap
		return 0
	fi
	for ((i = 1; i <= nodes; i++)); do
		if pid="$(running "$i")"; then die "node $i runs (pid $pid) but not every node does: run down first"; fi
	done
	[[ -f "$libs/.complete" ]] || "$here/kafka.sh" fetch
	build_ready &
	local build=$!
	local cid
	cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
	rm -rf "$dir"/node-*
	local fmt=()
	for ((i = 1; i <= nodes; i++)); do
		write_config "$i"
		format_node "$i" "$cid" &
		fmt+=($!)
	done
	for pid in "${fmt[@]}"; do wait "$pid" || die "kafka-storage format failed"; done
	wait "$build" || die "cannot build the readiness probe"
	for ((i = 1; i <= nodes; i++)); do launch "$i"; done
	say "waiting for $nodes nodes on $(bootstrap) (RF $rf, min ISR $minisr)"
	local start=$SECONDS
	if ! wait_ready; then
		for ((i = 1; i <= nodes; i++)); do logtail "$i"; done
		down
		die "cluster did not become ready within $timeout"
	fi
	say "ready after $((SECONDS - start))s"
	bootstrap
}

stop_node() {
	local i="$1" sig="$2" secs="$3" pid k
	pid="$(running "$i")" || { say "node $i not running"; return 0; }
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((k = 0; k < secs * 10; k++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "node $i (pid $pid) still up after ${secs}s of SIG$sig: sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		for ((k = 0; k < 50; k++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	say "node $i (pid $pid) stopped with SIG$sig"
}

down() {
	local i
	# Brokers first in parallel: a controlled shutdown needs a quorum to answer it.
	for ((i = 1; i <= nodes; i++)); do stop_node "$i" TERM 30 & done
	wait
	rm -rf "$dir"/node-*/data
}

start_node() {
	local i="$1" pid
	if pid="$(running "$i")"; then
		say "node $i already up (pid $pid)"
		return 0
	fi
	[[ -f "$(node_dir "$i")/server.properties" ]] || die "node $i was never formatted: run up first"
	build_ready
	launch "$i"
	if ! wait_ready "127.0.0.1:$(node_port "$i")"; then
		logtail "$i"
		die "node $i did not serve again within $timeout"
	fi
	say "node $i serves again"
}

status() {
	local i pid bad=0
	for ((i = 1; i <= nodes; i++)); do
		if pid="$(running "$i")"; then say "node $i up (pid $pid) on 127.0.0.1:$(node_port "$i")"
		else say "node $i down"; bad=1
		fi
	done
	return "$bad"
}

lock() {
	mkdir -p "$dir"
	exec 9>"$dir/.lock"
	flock -w 600 9 || die "another cluster.sh held $dir/.lock for 10 minutes"
}

case "${1:-}" in
up) lock; up ;;
down) lock; down ;;
status) status ;;
brokers) bootstrap ;;
kill) check_node "${2:-}"; stop_node "$2" KILL 5 ;;
stop) check_node "${2:-}"; stop_node "$2" TERM 30 ;;
start) check_node "${2:-}"; start_node "$2" ;;
pause | resume)
	check_node "${2:-}"
	pid="$(running "$2")" || die "node $2 is not running"
	if [[ "$1" == pause ]]; then kill -STOP "$pid"; else kill -CONT "$pid"; fi
	say "node $2 (pid $pid) ${1}d" ;;
logs)
	if [[ -n "${2:-}" ]]; then check_node "$2"; logtail "$2" 2>&1
	else for ((i = 1; i <= nodes; i++)); do logtail "$i" 2>&1; done
	fi ;;
*) die "usage: $0 up|down|status|brokers|kill N|stop N|start N|pause N|resume N|logs [N] (got '${1:-}')" ;;
esac
