#!/usr/bin/env bash
# errtag's speed and memory benchmark: errtag against its baselines, in one
# run, on a generated mixed log. Writes bench/RESULTS.md.
#
#   bench/run.sh [SIZE]        SIZE of each generated log: 1GB (default), 200MB, ...
#
# Environment:
#   RUNS=3          timed runs per command (the median is reported)
#   JQ_SIZE=50MB    jq runs on the first JQ_SIZE of the JSON log (it does ~2 MB/s;
#                   its MB/s is what is compared); JQ_SIZE=full for all of it
#   LAT_SECONDS=10  length of the pipe-latency run at 1,000 lines/s
#   PROF_SIZE=256MB CPU profiles cover the first PROF_SIZE of each (decoded) input
#   STARTUP_RUNS=50 runs of the start-up timing (errtag on a 50-line file)
#   IDLE_WAIT=180   wait up to this many seconds for the machine to be idle
#                   (1-minute load average below 1.0) before timing
#
# Inputs and intermediate files go to bench/out/ (gitignored); inputs are
# reused by later runs of the same SIZE and generator.
set -euo pipefail

SIZE=${1:-1GB}
RUNS=${RUNS:-3}
JQ_SIZE=${JQ_SIZE:-50MB}
LAT_SECONDS=${LAT_SECONDS:-10}
IDLE_WAIT=${IDLE_WAIT:-180}
PROF_SIZE=${PROF_SIZE:-256MB}

cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/bench
OUT=$B/out
BIN=$OUT/bin
mkdir -p "$OUT" "$BIN"
log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

# --- baselines from Debian, installed when missing
need=()
for pair in rg:ripgrep gawk:gawk mawk:mawk jq:jq zstd:zstd hyperfine:hyperfine pigz:pigz /usr/bin/time:time zcat:gzip lscpu:util-linux; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if ((${#need[@]})); then
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	log "installing ${need[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v go >/dev/null || { echo "bench: go is required" >&2; exit 1; }

# --- build
log "building errtag and the bench tools"
go build -o "$BIN/errtag" ./cmd/errtag
for p in gen copylines decompress latency prof report; do
	go build -o "$BIN/$p" "./bench/$p"
done

# --- inputs
TXT=$OUT/mixed.txt
JSN=$OUT/mixed.json
JQIN=$OUT/jq-slice.json
R500=$OUT/rules500
stamp="size=$SIZE jq=$JQ_SIZE seed=1 $(cat bench/loggen/*.go bench/gen/main.go | sha256sum | cut -c1-16)"
if [ "$(cat "$OUT/inputs.stamp" 2>/dev/null)" != "$stamp" ] || [ ! -s "$TXT.zst" ]; then
	log "generating $SIZE text and JSON logs"
	rm -f "$OUT/inputs.stamp" "$TXT"* "$JSN"* "$JQIN"
	"$BIN/gen" -size "$SIZE" -seed 1 -format text -o "$TXT" -stats 2>"$OUT/gen-text.txt" &
	"$BIN/gen" -size "$SIZE" -seed 1 -format json -o "$JSN" -stats 2>"$OUT/gen-json.txt"
	wait
	log "compressing (pigz -6, zstd -3)"
	pigz -p 2 -6 -c "$TXT" >"$TXT.gz"
	zstd -q -T2 -3 -c "$TXT" >"$TXT.zst"
	echo "$stamp" >"$OUT/inputs.stamp"
fi
if [ "$JQ_SIZE" = full ]; then
	ln -sf "$JSN" "$JQIN"
elif [ ! -s "$JQIN" ] || [ "$(cat "$OUT/jq.stamp" 2>/dev/null)" != "$stamp" ]; then
	# The generator is deterministic: this is the first JQ_SIZE of mixed.json.
	"$BIN/gen" -size "$JQ_SIZE" -seed 1 -format json -o "$JQIN"
	echo "$stamp" >"$OUT/jq.stamp"
fi
"$BIN/gen" -codes "$OUT/codes.tsv" -rules500 "$R500"
R500ARGS=()
for c in "$R500"/catalog-*.yaml; do R500ARGS+=(--catalog "$c"); done
R500ARGS+=(--rules "$R500/rules500.yaml")
RGARGS=(-c -i -F -e vmxsync -e voltmx -e "volt mx" -e drupal -e knox -e efota -e e-fota -e errorcode -e resultcode -e result_code -e "result code" -e error_code -e "error code")

# --- same-lookup check on the first 20 MB: lines annotated by each tool
log "checking the baselines' lookups on a 20 MB slice"
"$BIN/gen" -size 20MB -seed 1 -format text -o "$OUT/slice.txt"
"$BIN/gen" -size 20MB -seed 1 -format json -o "$OUT/slice.json"
{
	printf 'errtag (text)\t%s\n' "$("$BIN/errtag" "$OUT/slice.txt" | grep -c 'errtag\.system=\|"errtag":')"
	printf 'gawk lookup.awk\t%s\n' "$(gawk -f "$B/lookup.awk" "$OUT/codes.tsv" "$OUT/slice.txt" | grep -c 'errtag\.system=')"
	printf 'mawk lookup.awk\t%s\n' "$(mawk -f "$B/lookup.awk" "$OUT/codes.tsv" "$OUT/slice.txt" | grep -c 'errtag\.system=')"
	printf 'rg -c (candidate lines)\t%s\n' "$(rg "${RGARGS[@]}" "$OUT/slice.txt")"
	printf 'errtag (json)\t%s\n' "$("$BIN/errtag" "$OUT/slice.json" | grep -c '"errtag":')"
	printf 'jq lookup.jq\t%s\n' "$(jq -c -n --rawfile tsv "$OUT/codes.tsv" -f "$B/lookup.jq" "$OUT/slice.json" | grep -c '"errtag":')"
	printf 'generator: lines with an error (text)\t%s\n' "$("$BIN/gen" -size 20MB -seed 1 -format text -o /dev/null -stats 2>&1 | sed -n 's/.*annotated_expected=\([0-9]*\).*/\1/p')"
	printf 'generator: lines with an error (json)\t%s\n' "$("$BIN/gen" -size 20MB -seed 1 -format json -o /dev/null -stats 2>&1 | sed -n 's/.*annotated_expected=\([0-9]*\).*/\1/p')"
} >"$OUT/sanity.tsv"

# --- the machine
{
	printf 'cpu\t%s\n' "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | sed -n 1p)"
	printf 'cores\t%s\n' "$(nproc)"
	printf 'ram\t%s\n' "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	printf 'kernel\t%s\n' "$(uname -sr)"
	printf 'go\t%s\n' "$(go version)"
	printf 'errtag\t%s\n' "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- . ':!bench' 2>/dev/null || echo ' + uncommitted changes in the tree')"
	printf 'ripgrep\t%s\n' "$(rg --version | sed -n 1p)"
	printf 'gawk\t%s\n' "$(gawk --version | sed -n 1p)"
	printf 'mawk\t%s\n' "$(mawk -W version 2>&1 | sed -n 1p)"
	printf 'jq\t%s\n' "$(jq --version)"
	printf 'gzip\t%s\n' "$(gzip --version | sed -n 1p)"
	printf 'pigz\t%s\n' "$(pigz --version 2>&1 | sed -n 1p)"
	printf 'zstd\t%s\n' "$(zstd --version)"
	printf 'hyperfine\t%s\n' "$(hyperfine --version)"
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'size\t%s\n' "$SIZE"
	printf 'runs\t%s\n' "$RUNS"
	printf 'jq_size\t%s\n' "$JQ_SIZE"
	printf 'prof_size\t%s\n' "$PROF_SIZE"
} >"$OUT/machine.tsv"

# --- wait for a quiet machine (other work on it skews wall times)
waited=0
while awk '{exit !($1 >= 1.0)}' /proc/loadavg && [ "$waited" -lt "$IDLE_WAIT" ]; do
	[ "$waited" -eq 0 ] && log "load $(cut -d' ' -f1-3 /proc/loadavg): waiting up to ${IDLE_WAIT}s for the machine to be idle"
	sleep 10
	waited=$((waited + 10))
done
printf 'load_before\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.tsv"

# --- timings
rm -f "$OUT"/h-*.json
cat "$TXT" "$TXT.gz" "$TXT.zst" "$JSN" "$JQIN" >/dev/null # warm the page cache
hf() { # NAME COMMAND...: time COMMAND (stdout to /dev/null) RUNS times
	local name=$1
	shift
	log "timing $name"
	hyperfine -N --runs "$RUNS" --style none --export-json "$OUT/h-$name.json" -n "$name" -- "$(printf '%q ' "$@")" >/dev/null
}
hfrss() { # NAME COMMAND...: hf, with /usr/bin/time -v recording peak RSS
	local name=$1
	shift
	rm -f "$OUT/rss-$name.txt"
	hf "$name" /usr/bin/time -v -a -o "$OUT/rss-$name.txt" "$@"
}
hf cat cat "$TXT"
hf copylines "$BIN/copylines" "$TXT"
hfrss errtag-text "$BIN/errtag" "$TXT"
hf rg rg "${RGARGS[@]}" "$TXT"
hf gawk gawk -f "$B/lookup.awk" "$OUT/codes.tsv" "$TXT"
hf mawk mawk -f "$B/lookup.awk" "$OUT/codes.tsv" "$TXT"
hfrss errtag-json "$BIN/errtag" "$JSN"
hf jq jq -c -n --rawfile tsv "$OUT/codes.tsv" -f "$B/lookup.jq" "$JQIN"
hf zcat zcat "$TXT.gz"
hf pigz-d pigz -dc "$TXT.gz"
hf decompress-gz "$BIN/decompress" "$TXT.gz"
hfrss errtag-gz "$BIN/errtag" "$TXT.gz"
hf zstd-d zstd -dc "$TXT.zst"
hf decompress-zst "$BIN/decompress" "$TXT.zst"
hfrss errtag-zst "$BIN/errtag" "$TXT.zst"
hfrss errtag-500rules "$BIN/errtag" "${R500ARGS[@]}" "$TXT"
# start-up: many short runs, the median
log "timing start-up"
head -n 50 "$OUT/slice.txt" >"$OUT/startup.txt"
hyperfine -N --warmup 5 --runs "${STARTUP_RUNS:-50}" --style none --export-json "$OUT/h-startup.json" -n startup -- "$(printf '%q ' "$BIN/errtag" "$OUT/startup.txt")" >/dev/null
printf 'load_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.tsv"

# --- pipe latency
log "pipe latency: 1,000 lines/s for ${LAT_SECONDS}s"
"$BIN/latency" -errtag "$BIN/errtag" -rate 1000 -duration "${LAT_SECONDS}s" -json "$OUT/latency.json"

# --- CPU profiles of the same pipeline, through the packages (bench/prof)
prof() { # NAME ARGS...
	local name=$1
	shift
	log "CPU profile: $name"
	"$BIN/prof" -limit "$PROF_SIZE" -cpuprofile "$OUT/cpu-$name.prof" "$@" 2>"$OUT/prof-$name.txt"
	go tool pprof -top -nodecount=25 "$BIN/prof" "$OUT/cpu-$name.prof" >"$OUT/cpu-$name.top" 2>/dev/null
	go tool pprof -top -cum -nodecount=25 "$BIN/prof" "$OUT/cpu-$name.prof" >"$OUT/cpu-$name.cum" 2>/dev/null
}
prof text "$TXT"
prof json "$JSN"
prof gz "$TXT.gz"
prof zst "$TXT.zst"
R500PROF=()
for c in "$R500"/catalog-*.yaml; do R500PROF+=(-catalog "$c"); done
prof 500rules "${R500PROF[@]}" -rules "$R500/rules500.yaml" "$TXT"

# --- the report
"$BIN/report" -dir "$OUT" -o "$B/RESULTS.md"
log "wrote bench/RESULTS.md"
