#!/usr/bin/env bash
# The people API under load, on loopback only:
#  1. fetch (async) against a local serve with no delay, at concurrency
#     1, 10, 100 and 1000: requests per second;
#  2. serve alone under wrk (Debian package `wrk`) at 100 connections:
#     requests per second and p99 latency;
#  3. each fetch model at 10,000 ids against a 100 ms delay: wall time,
#     peak memory and peak OS threads.
#
#   benches/people.sh [IDS]      (default 10000; sequential takes IDS x 0.1 s)
#
# Needs GNU time (/usr/bin/time) and wrk: apt-get install time wrk
set -euo pipefail
cd "$(dirname "$0")/.."
ids=${1:-10000}
for tool in /usr/bin/time wrk; do
    command -v "$tool" >/dev/null || { echo "benches/people.sh needs $tool: apt-get install time wrk" >&2; exit 2; }
done
cargo build --release --quiet
bin=target/release/mesonero
log=$(mktemp)
server=""
cleanup() { [ -n "$server" ] && kill -INT "$server" 2>/dev/null; wait 2>/dev/null; rm -f "$log"; }
trap cleanup EXIT

# Starts `mesonero serve` on a free port with the given options; sets $api.
# The cap on connections is raised past fetch's 1000 in flight: at the
# default 512, the connections past it would wait for kept-alive ones that
# stay busy, and their requests would time out.
serve() {
    [ -n "$server" ] && { kill -INT "$server"; wait "$server" || true; }
    "$bin" serve --addr 127.0.0.1:0 --max-connections 2000 "$@" 2>"$log" &
    server=$!
    for _ in $(seq 100); do
        grep -q 'http://' "$log" && break
        sleep 0.05
    done
    api=$(grep -o 'http://[0-9.:]*' "$log" | head -1)/api/
}

# Peak of a process's thread count, sampled every 10 ms until it ends.
peak_threads() {
    local pid=$1 peak=0 n
    while kill -0 "$pid" 2>/dev/null; do
        n=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ "${n:-0}" -gt "$peak" ] && peak=$n
        sleep 0.01
    done
    echo "$peak"
}

# The built-in people are swapi's size; a load test asks for enough of them.
people=$(( ids > 20000 ? ids : 20000 ))

echo "== fetch, async, 20000 ids, server delay 0"
serve --delay 0 --people "$people"
for c in 1 10 100 1000; do
    summary=$("$bin" fetch --api "$api" --ids 1-20000 --concurrency "$c" --format quiet | head -1)
    printf 'concurrency %-5s %s\n' "$c" "$(grep -o '[0-9.]* requests/s' <<<"$summary")"
done

echo "== serve under wrk: 2 threads, 100 connections, 10 s, GET /api/people/1/"
wrk -t2 -c100 -d10s --latency "${api}people/1/" | grep -E 'Requests/sec|^ +99%|Latency  '

echo "== each fetch model, $ids ids, server delay 100ms, concurrency 1000"
serve --delay 100ms --people "$people"
for model in async threads sequential; do
    out=$(mktemp)
    /usr/bin/time -f '@@ %e %M' "$bin" fetch --api "$api" --ids "1-$ids" --model "$model" --concurrency 1000 --format quiet >"$out" 2>&1 &
    timer=$!
    sleep 0.2
    pid=$(pgrep -P "$timer" mesonero || echo "$timer")
    threads=$(peak_threads "$pid")
    wait "$timer" || true
    read -r wall kb < <(awk '/^@@/ {print $2, $3}' "$out")
    printf '%-10s wall %7s s  peak memory %5d MB  peak threads %s\n' "$model" "$wall" $((kb / 1024)) "$threads"
    head -1 "$out"
    rm -f "$out"
done
