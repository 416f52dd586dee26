#!/usr/bin/env bash
# The restaurant across machines, measured: waiter processes serving
# through a Redis broker on loopback, against the in-process threads
# model on the same workload; then the cost of a re-delivery.
#
#   benches/broker.sh [WAITERS] [REPEAT]     (default: 100 waiters, --repeat 1000)
#
# Needs redis-server (Debian's package) and python3. Starts its own server
# on a free loopback port, with no persistence, and stops it at the end.
# Builds the release binary first. Prints, for each model: orders per
# second of wall time, wall time per order, and the p50/p99 of each
# order's time from "Received orders" to its dispatch (restaurant time
# at --speed 100, in wall milliseconds).
set -euo pipefail
cd "$(dirname "$0")/.."

waiters=${1:-100}
repeat=${2:-1000}
speed=100

cargo build --release --quiet
bin=target/release/mesonero
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" --daemonize no --loglevel warning > "$work/redis.log" 2>&1 &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null || true; rm -rf "$work"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do :; done
url="redis://127.0.0.1:$port"

# Orders per second and the p50/p99 from received to dispatched, from the
# JSON lines of one run and its wall time.
stats() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
name, events, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
done = sorted(e["at_s"] for e in map(json.loads, open(events)) if e["kind"] == "done-dispatch")
n = len(done)
def q(p):
    return done[min(n - 1, int(p * n))] / 100 * 1000
print(f"{name:<26} {n:>6} orders  {n / wall:>9.0f} orders/s  {wall / n * 1e6:>8.1f} µs/order  "
      f"received→dispatch p50 {q(0.5):7.1f} ms  p99 {q(0.99):7.1f} ms (wall)")
PY
}

run() {
    local name=$1; shift
    local start end
    start=$(date +%s%N)
    "$bin" restaurant --repeat "$repeat" --speed "$speed" --format json "$@" > "$work/$name.jsonl" 2> "$work/$name.err"
    end=$(date +%s%N)
    echo "$(( end - start ))" > "$work/$name.wall"
    stats "$name" "$work/$name.jsonl" "$(( end - start ))e-9"
}

# Wall time per order beyond the threads model's.
overhead() {
    python3 - "$1" "$(cat "$work/$1.wall")" "$(cat "$work/threads.wall")" "$((repeat * 4))" <<'PY'
import sys
name, wall, threads, orders = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"{name}: {(wall - threads) / orders / 1000:+.0f} µs of wall time per order against threads")
PY
}

echo "== $waiters waiters, --repeat $repeat ($((repeat * 4)) orders), --speed $speed, on $(nproc) cores"
run "threads" --model threads --waiters "$waiters"
run "processes (local queue)" --model processes --waiters "$waiters"
run "processes through Redis" --model processes --waiters "$waiters" --broker "$url" --run "bench-$$"
overhead "processes (local queue)"
overhead "processes through Redis"

# The cost of a re-delivery: a waiter killed while it holds an order; the
# order waits --claim-after for a sign of life, then another waiter claims
# it and serves it again from the start.
echo "== re-delivery: a waiter killed mid-order, for each --claim-after"
for claim in 500ms 1s 2s; do
    run_name="redelivery-$claim-$$"
    "$bin" cashier --broker "$url" --run "$run_name" --speed 10 --waiters 2 \
        --claim-after "$claim" --format json > "$work/c.jsonl" 2> "$work/c.err" &
    cashier=$!
    "$bin" waiter --broker "$url" --run "$run_name" --id 1 --claim-after "$claim" --format json \
        > "$work/w1.jsonl" 2>/dev/null &
    doomed=$!
    "$bin" waiter --broker "$url" --run "$run_name" --id 2 --claim-after "$claim" --format quiet \
        2>/dev/null &
    # Killed once it has asked the kitchen for its first product.
    until grep -q request-product "$work/w1.jsonl" 2>/dev/null; do :; done
    kill -9 $doomed
    wait $doomed 2>/dev/null || true
    wait $cashier
    python3 - "$claim" "$work/c.jsonl" <<'PY'
import json, sys
claim, path = sys.argv[1], sys.argv[2]
events = [json.loads(l) for l in open(path)]
for r in (e for e in events if e["kind"] == "redelivered"):
    order, lost = r["order"], r["from"]
    last = max(e["at_s"] for e in events if e.get("waiter") == lost and e.get("order") == order)
    done = next(e["at_s"] for e in events if e["kind"] == "done-dispatch" and e["order"] == order)
    # At speed 10, a restaurant second is 100 wall ms.
    print(f"--claim-after {claim:>5}: order {order} claimed {(r['at_s'] - last) * 100:6.0f} ms "
          f"after its waiter's last sign, dispatched {(done - last) * 100:6.0f} ms after it")
PY
done
