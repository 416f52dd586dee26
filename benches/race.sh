#!/usr/bin/env bash
# How often the unsynchronised race hides: `mesonero race --strategy none`
# run TRIES times, with another process busy on one core, counting the
# tries in which every run ended at 0 (the race never showed).
#
#   benches/race.sh [TRIES] [-- RACE OPTIONS...]     (default 20 tries)
#
# e.g. benches/race.sh 20 -- --iterations 1000000 --runs 5
#
# The busy process is `yes > /dev/null` pinned to the last core with
# taskset: a loaded machine, where one of the two tellers must share its
# core, is where the race hides best. The mutex and the atomic are run
# once each at the end, to check that they still end at 0.
# Needs taskset (Debian package `util-linux`) and jq.
set -euo pipefail
cd "$(dirname "$0")/.."
tries=${1:-20}
shift || true
[ "${1:-}" = "--" ] && shift
for tool in taskset jq; do
    if ! command -v "$tool" >/dev/null; then
        echo "benches/race.sh needs $tool" >&2
        exit 2
    fi
done
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/mesonero

last_core=$(($(nproc) - 1))
taskset -c "$last_core" yes >/dev/null &
busy=$!
trap 'kill "$busy"' EXIT

hidden=0
for try in $(seq "$tries"); do
    json=$("$bin" race --strategy none --format json "$@")
    balances=$(jq -c '.[0].balances' <<<"$json")
    # Every run at 0: the race did not show in this try.
    if jq -e '.[0] | (.runs_at_zero | length) == (.balances | length)' <<<"$json" >/dev/null; then
        hidden=$((hidden + 1))
        verdict="all at 0"
    else
        verdict="lost updates"
    fi
    printf 'try %2d: %-12s balances %s, median %s ms\n' "$try" "$verdict" "$balances" \
        "$(jq '.[0].median_time_s * 1000 | . * 100 | round / 100' <<<"$json")"
done
echo "none ended at 0 in all runs in $hidden of $tries tries ($(nproc) cores, one busy)"

for strategy in mutex atomic; do
    "$bin" race --strategy "$strategy" --format json "$@" |
        jq -r '.[0] | "\(.strategy): balances \(.balances | tostring)"'
done
