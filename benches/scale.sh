#!/usr/bin/env bash
# Scale benchmark: wall time, CPU time and peak memory of the large runs
# the README quotes, each run several times, the median reported.
#
#   benches/scale.sh [RUNS] [FILTER]     (default 5 runs, every scenario)
#
# FILTER keeps the scenarios whose name contains it, such as
# `benches/scale.sh 3 "async, repeat"`.
#
# Needs GNU time (/usr/bin/time, Debian package `time`) for peak memory.
# Wall time is the whole process: start, workload, run, checks and exit.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
filter=${2:-}
if [ ! -x /usr/bin/time ]; then
    echo "benches/scale.sh needs GNU time: apt-get install time" >&2
    exit 2
fi
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/mesonero

scenario() {
    local name=$1; shift
    [[ $name == *"$filter"* ]] || return 0
    local walls=() cpus=() peaks=() summary=""
    for _ in $(seq "$runs"); do
        local out
        out=$( { /usr/bin/time -f '@@ %e %U %S %M' "$bin" "$@" --format quiet 2>&1 || true; } )
        walls+=("$(awk '/^@@/ {print $2}' <<<"$out")")
        cpus+=("$(awk '/^@@/ {print $3 + $4}' <<<"$out")")
        peaks+=("$(awk '/^@@/ {print $5}' <<<"$out")")
        summary=$(grep -v -e '^@@' -e '^Command exited' <<<"$out" | tail -1)
    done
    local wall cpu peak
    wall=$(median "${walls[@]}")
    cpu=$(median "${cpus[@]}")
    peak=$(median "${peaks[@]}" | awk '{printf "%.0f", $1/1024}')
    printf '%-48s %6s s %6s s CPU %5s MB\n    %s\n' "$name" "$wall" "$cpu" "$peak" "$summary"
}

median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "median of $runs runs on $(nproc) cores"
scenario "async, repeat 10000, real clock, speed 100" restaurant --model async --repeat 10000 --speed 100
scenario "async, repeat 100000, real clock, speed 100" restaurant --model async --repeat 100000 --speed 100
scenario "  the same, --slow-callback off" restaurant --model async --repeat 100000 --speed 100 --slow-callback off
scenario "async-multi, repeat 100000, speed 100" restaurant --model async-multi --repeat 100000 --speed 100
scenario "async, repeat 100000, virtual clock" restaurant --model async --repeat 100000 --clock virtual
scenario "threads, 1000 waiters, repeat 1000, speed 100" restaurant --model threads --waiters 1000 --repeat 1000 --speed 100
scenario "thread-per-product, repeat 1000, speed 100" restaurant --model thread-per-product --waiters 1000 --repeat 1000 --speed 100
scenario "thread-per-product, repeat 100000, speed 100" restaurant --model thread-per-product --repeat 100000 --speed 100
