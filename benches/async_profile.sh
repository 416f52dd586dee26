#!/usr/bin/env bash
# Where the async model's time and memory go, at the article's orders
# repeated REPEAT times on the virtual clock: the figures behind the
# README's profile of the async model.
#
#   benches/async_profile.sh [REPEAT]     (default 10000: 110,000 products)
#
#  1. instructions, counted by valgrind's callgrind (the same count from
#     run to run, whatever else the machine is doing), in all and for the
#     run's main parts;
#  2. the heap at its peak, by the line of code that allocated it
#     (heaptrack), and the peak resident size (GNU time).
#
# Needs valgrind, heaptrack and GNU time (Debian packages `valgrind`,
# `heaptrack`, `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-10000}
for tool in valgrind heaptrack heaptrack_print /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "benches/async_profile.sh needs $tool: apt-get install valgrind heaptrack time" >&2
        exit 2
    }
done
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/mesonero
run=(restaurant --model async --repeat "$repeat" --clock virtual --format quiet)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== instructions (callgrind), ${run[*]}"
valgrind --tool=callgrind --callgrind-out-file="$work/cg" "$bin" "${run[@]}" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$work/cg" 2>/dev/null | awk '
    /PROGRAM TOTALS/ { gsub(",", "", $1); total = $1; printf "%-34s %13d\n", "in all", total }
    function part(name, pattern) {
        if ($0 ~ pattern && !(name in seen)) {
            seen[name] = 1; n = $1; gsub(",", "", n)
            printf "%-34s %13d  %5.1f %%\n", name, n, 100 * n / total
        }
    }
    { part("the run (event loop)", ":mesonero::clock::event_loop::EventLoop::run( |$)")
      part("  recording events", ":mesonero::(restaurant::service::Service<C>::log_all|trace::recorder::Recorder::record_all)( |$)")
      part("checking the trace", ":mesonero::trace::(Trace::check|check::check)( |$)")
      part("building the workload", ":mesonero::workload::generate::repeat( |$)")
      part("the summary line", ":mesonero::report::summary::write( |$)")
      part("the ideal makespan", ":mesonero::ideal::makespan( |$)") }'

echo "== heap at its peak (heaptrack), by allocation site"
heaptrack -o "$work/heap" "$bin" "${run[@]}" >/dev/null 2>&1
heaptrack_print -f "$work/heap.zst" --print-peaks 1 --print-allocators 0 --print-leaks 0 \
    --print-temporary 0 2>/dev/null |
    sed -n '/PEAK MEMORY/,$p' | awk '
        / consumed over .* calls from:$/ { size = $1; calls = $4; site = ""; next }
        # The first line of code of the program itself, past the allocator.
        size != "" && site == "" && / at src\// && !/ at src\/alloc\.rs/ {
            site = $2; printf "%9s  %8s calls  %s\n", size, calls, site; size = "" }' |
    head -8
/usr/bin/time -f '%M' "$bin" "${run[@]}" 2>"$work/time" >/dev/null
echo "peak resident size $(( $(tail -1 "$work/time") / 1024 )) MB"
