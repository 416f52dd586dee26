#!/usr/bin/env bash
# Scale benchmark: wall time and peak memory of the large runs the README
# quotes, each run several times, the median reported.
#
#   benches/scale.sh [RUNS]      (default 5)
#
# Needs GNU time (/usr/bin/time, Debian package `time`) for peak memory.
# Wall time is the whole process: start, workload, run, checks and exit.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
if [ ! -x /usr/bin/time ]; then
    echo "benches/scale.sh needs GNU time: apt-get install time" >&2
    exit 2
fi
cargo build --release --quiet
bin=target/release/mesonero

scenario() {
    local name=$1; shift
    local walls=() peaks=() summary=""
    for _ in $(seq "$runs"); do
        local out
        out=$( { /usr/bin/time -f '@@ %e %M' "$bin" "$@" --format quiet 2>&1 || true; } )
        walls+=("$(awk '/^@@/ {print $2}' <<<"$out")")
        peaks+=("$(awk '/^@@/ {print $3}' <<<"$out")")
        summary=$(grep -v -e '^@@' -e '^Command exited' <<<"$out" | tail -1)
    done
    local wall peak
    wall=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    peak=$(printf '%s\n' "${peaks[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
    printf '%-44s %8s s %7s MB\n    %s\n' "$name" "$wall" "$peak" "$summary"
}

echo "median of $runs runs on $(nproc) cores"
scenario "async, repeat 100000, real clock, speed 100" restaurant --model async --repeat 100000 --speed 100
scenario "async, repeat 100000, virtual clock" restaurant --model async --repeat 100000 --clock virtual
scenario "threads, 1000 waiters, repeat 1000, speed 100" restaurant --model threads --waiters 1000 --repeat 1000 --speed 100
scenario "thread-per-product, repeat 1000, speed 100" restaurant --model thread-per-product --waiters 1000 --repeat 1000 --speed 100
scenario "thread-per-product, repeat 100000, speed 100" restaurant --model thread-per-product --repeat 100000 --speed 100
