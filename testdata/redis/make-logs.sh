#!/usr/bin/env bash
# make-logs.sh: run throwaway Redis servers (Debian's redis-server package)
# on loopback, drive a workload that makes Redis's error replies, and write
# what the servers, redis-cli and an application log:
#
#   redis-server.log  the servers' own logs (master, replica, two cluster
#                     nodes, a server that cannot save, one killed by a script)
#   redis-cli.log     a transcript: each "$ redis-cli ..." command, then what
#                     redis-cli printed ("(error) CODE message", --no-raw)
#   app.log           an application's text log (app.py: Python's logging
#                     over redis-py), tracebacks included
#   app.json          the same application's JSON log, one record per line
#
# Usage: make-logs.sh OUTDIR
#
# The servers listen on 127.0.0.1, ports 16379 to 16384, and keep their files
# in a temporary directory; nothing outside it and OUTDIR is touched, and
# every server started is stopped on exit. Timestamps, process ids and run
# ids differ from run to run; the sequence of commands and errors is fixed.
#
# Needs: redis-server and redis-tools (7.0), python3-redis (apt-get install
# redis-server redis-tools python3-redis), and /usr/bin/python3.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: make-logs.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for cmd in redis-server redis-cli /usr/bin/python3; do
	command -v "$cmd" >/dev/null || { echo "make-logs.sh: $cmd is missing (apt-get install redis-server redis-tools python3-redis)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import redis' 2>/dev/null || { echo "make-logs.sh: python3-redis is missing" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

# server NAME PORT [ARGS...]: start redis-server in $work/NAME, log to
# $work/NAME.log, and wait until it answers.
server() {
	local name=$1 port=$2
	shift 2
	mkdir -p "$work/$name"
	(cd "$work/$name" && exec redis-server --port "$port" --bind 127.0.0.1 --daemonize no \
		--logfile "$work/$name.log" --save "" "$@") >/dev/null 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		redis-cli -p "$port" PING 2>/dev/null | grep -qE 'PONG|NOAUTH' && return 0
		sleep 0.05
	done
	echo "make-logs.sh: redis-server $name on port $port did not start" >&2
	exit 1
}

server main 16379 --requirepass s3cret
server replica 16380 --replicaof 127.0.0.1 16379 --masterauth s3cret --replica-serve-stale-data no
server c1 16381 --cluster-enabled yes --cluster-config-file nodes.conf
server c2 16382 --cluster-enabled yes --cluster-config-file nodes.conf
server misconf 16383 --dir /proc --save "1 1"
server busy 16384 --busy-reply-threshold 100

cli=$out/redis-cli.log
: >"$cli"
# r ARGS...: run redis-cli ARGS, writing the command and what it printed.
r() {
	printf '$ redis-cli %s\n' "$*" >>"$cli"
	redis-cli --no-raw "$@" >>"$cli" 2>&1 || true
}
M=(-p 16379 -a s3cret --no-auth-warning)

# The replica must be in sync before READONLY and NOREPLICAS make sense.
for _ in $(seq 100); do
	redis-cli -p 16380 INFO replication | grep -q 'master_link_status:up' && break
	sleep 0.1
done

r -p 16379 GET foo
r -p 16379 -a wrong --no-auth-warning GET foo
r "${M[@]}" SET s hello
r "${M[@]}" LPUSH s x
r "${M[@]}" INCR s
r "${M[@]}" FOOBAR x y
r "${M[@]}" GET
r "${M[@]}" CONFIG GETT maxmemory
r "${M[@]}" SET k v XX NX
r "${M[@]}" RENAME nokey other
r "${M[@]}" RPUSH l a
r "${M[@]}" LSET l 5 b
r "${M[@]}" EVALSHA ffffffffffffffffffffffffffffffffffffffff 0
r "${M[@]}" SCRIPT KILL
r "${M[@]}" RESTORE s 0 x
r "${M[@]}" XGROUP CREATE st g '$' MKSTREAM
r "${M[@]}" XGROUP CREATE st g '$'
r "${M[@]}" XREADGROUP GROUP nog c STREAMS st '>'
r "${M[@]}" HELLO 4
r "${M[@]}" ACL SETUSER ro on '>ropw' '~*' '+get'
r -p 16379 --user ro --pass ropw --no-auth-warning SET a 1
r -p 16380 SET a 1
printf '$ redis-cli %s <<< MULTI; SET a 1; BADCMD; EXEC\n' "${M[*]}" >>"$cli"
printf 'MULTI\nSET a 1\nBADCMD\nEXEC\n' | redis-cli --no-raw "${M[@]}" >>"$cli" 2>&1 || true
r "${M[@]}" CONFIG SET min-replicas-to-write 5
r "${M[@]}" SET a 1
r "${M[@]}" CONFIG SET min-replicas-to-write 0
r "${M[@]}" CONFIG SET maxmemory 1
r "${M[@]}" SET a 1
r "${M[@]}" CONFIG SET maxmemory 0
(sleep 0.5 && redis-cli "${M[@]}" CLIENT UNBLOCK "$(redis-cli "${M[@]}" CLIENT LIST | awk '/cmd=blpop/ {sub("id=", "", $1); print $1}')" ERROR >/dev/null) &
r "${M[@]}" BLPOP nolist 5

# A server that cannot write its snapshot (its directory is /proc).
redis-cli -p 16383 BGSAVE >/dev/null 2>&1 || true
for _ in $(seq 50); do
	redis-cli -p 16383 INFO persistence | grep -q 'rdb_last_bgsave_status:err' && break
	sleep 0.1
done
r -p 16383 SET a 1

# Scripts that run too long: BUSY, then SCRIPT KILL; a script that wrote
# cannot be killed (UNKILLABLE) and the server is shut down without saving.
(redis-cli --no-raw -p 16384 EVAL 'while true do end' 0 >"$work/busy1.out" 2>&1 &)
sleep 0.5
r -p 16384 GET a
r -p 16384 SCRIPT KILL
sleep 0.3
printf '$ redis-cli -p 16384 EVAL '"'"'while true do end'"'"' 0   (the first client)\n' >>"$cli"
cat "$work/busy1.out" >>"$cli"
(redis-cli --no-raw -p 16384 EVAL "redis.call('set','k','v') while true do end" 0 >/dev/null 2>&1 &)
sleep 0.5
r -p 16384 SCRIPT KILL
r -p 16384 FUNCTION KILL
redis-cli -p 16384 SHUTDOWN NOSAVE >/dev/null 2>&1 || true

# The cluster: no slots, then slots on two nodes that do not know each
# other, then a cluster: redirections, keys in two slots, a slot migrating.
r -p 16381 GET foo
redis-cli -p 16381 CLUSTER ADDSLOTSRANGE 0 8191 >/dev/null
redis-cli -p 16382 CLUSTER ADDSLOTSRANGE 8192 16383 >/dev/null
redis-cli -p 16381 CLUSTER MEET 127.0.0.1 16382 >/dev/null
for _ in $(seq 100); do
	redis-cli -p 16381 CLUSTER INFO | grep -q 'cluster_state:ok' && redis-cli -p 16382 CLUSTER INFO | grep -q 'cluster_state:ok' && break
	sleep 0.1
done
r -p 16381 GET foo
r -p 16381 MSET a 1 b 2
r -p 16381 SET '{u1}x' 1
n2=$(redis-cli -p 16382 CLUSTER MYID)
n1=$(redis-cli -p 16381 CLUSTER MYID)
slot=$(redis-cli -p 16381 CLUSTER KEYSLOT '{u1}x')
redis-cli -p 16381 CLUSTER SETSLOT "$slot" MIGRATING "$n2" >/dev/null
redis-cli -p 16382 CLUSTER SETSLOT "$slot" IMPORTING "$n1" >/dev/null
r -p 16381 GET '{u1}y'
r -p 16381 MGET '{u1}x' '{u1}y'

# The application, over the same servers (its own log lines, each from a
# real redis-py exception).
# Run from a copy as "app.py", so that its tracebacks name no path of this
# machine.
cp "$here/app.py" "$work/app.py"
(cd "$work" && /usr/bin/python3 -c 'import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")' \
	app.py "$out/app.log" "$out/app.json")

# The replica once its master is gone: MASTERDOWN.
redis-cli "${M[@]}" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
sleep 0.5
r -p 16380 GET a

# Stop the servers, then gather their logs, each in the order it wrote it.
cleanup_servers() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
}
redis-cli -p 16383 SHUTDOWN NOSAVE >/dev/null 2>&1 || true # it cannot save, so SIGTERM would not stop it
cleanup_servers
cat "$work"/main.log "$work"/replica.log "$work"/c1.log "$work"/c2.log "$work"/misconf.log "$work"/busy.log >"$out/redis-server.log"
redis-server --version >"$out/VERSION"
/usr/bin/python3 -c 'import redis; print("redis-py", redis.__version__)' >>"$out/VERSION"
echo "make-logs.sh: wrote $(wc -l <"$cli") lines of redis-cli, $(wc -l <"$out/redis-server.log") of the servers, $(wc -l <"$out/app.log") and $(wc -l <"$out/app.json") of the application to $out"
