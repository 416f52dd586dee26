#!/usr/bin/env bash
# What the slow-callback detector costs the async model, counted in
# instructions by valgrind's callgrind: unlike wall time, the count is the
# same from run to run, whatever else the machine is doing.
#
#   benches/detector.sh [REPEAT]      (default 10000: 110,000 products)
#
# Needs valgrind (Debian package `valgrind`). Criterion's timing of the
# same runs is `cargo bench --bench models -- detector`.
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-10000}
if ! command -v valgrind >/dev/null; then
    echo "benches/detector.sh needs valgrind: apt-get install valgrind" >&2
    exit 2
fi
cargo build --release --quiet
bin=target/release/mesonero
out=$(mktemp)
trap 'rm -f "$out"' EXIT

instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" restaurant \
        --model async --repeat "$repeat" --format quiet "$@" 2>&1 >/dev/null |
        awk '/Collected :/ {print $4}'
}

echo "async, repeat $repeat, instructions (callgrind)"
for clock in "--clock virtual" "--speed 100"; do
    # shellcheck disable=SC2086 # the clock's words are two options
    on=$(instructions $clock)
    # shellcheck disable=SC2086
    off=$(instructions $clock --slow-callback off)
    awk -v c="$clock" -v on="$on" -v off="$off" 'BEGIN {
        printf "%-16s detector on %13d  off %13d  cost %+.1f %%\n", c, on, off, (on / off - 1) * 100
    }'
done
