#!/usr/bin/env bash
# `mesonero serve` against nginx serving the same person as a static file,
# on loopback only, each server pinned to core 0 and wrk (one thread, 100
# connections) to core 1:
#
#   benches/serve_nginx.sh [ROUNDS] [SECONDS]   (default 5 rounds of 10 s)
#   MESONERO=path/to/mesonero benches/serve_nginx.sh   (that build, not this tree's)
#
# Each round runs wrk against serve, then against nginx (the first server
# of a round alternates), so that a neighbour's load falls on both alike;
# the summary is the median of the rounds. Besides requests per second
# and p99 latency, each run tells the server's CPU time per request (user
# and system, from /proc): on a machine shared with other work the
# requests per second follow the share of core 0 a server gets, while the
# CPU time per request is its own. nginx has one worker and no
# access log; serve has no request log (`--log off`), so that neither
# writes a line per request. nginx sends the same body, Content-Type and
# CORS header as serve; the body's URLs are those serve built from the
# Host header wrk and curl send, 127.0.0.1 and serve's port.
#
# Needs nginx, wrk, curl, taskset (util-linux) and python3, and two cores:
#   apt-get install nginx wrk curl
# (Debian's own nginx service, if the package started it, is not used:
# this script starts its own, with its own configuration, in a temporary
# directory.)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-10}
for tool in nginx wrk curl taskset python3; do
    command -v "$tool" >/dev/null || { echo "benches/serve_nginx.sh needs $tool: apt-get install nginx wrk curl" >&2; exit 2; }
done
[ "$(nproc --all)" -ge 2 ] || { echo "benches/serve_nginx.sh needs two cores: one for the server, one for wrk" >&2; exit 2; }
if [ -n "${MESONERO:-}" ]; then
    bin=$MESONERO
else
    cargo build --release --quiet
    bin=${CARGO_TARGET_DIR:-target}/release/mesonero
fi
dir=$(mktemp -d)
server="" nginx=""
cleanup() {
    [ -n "$server" ] && kill -INT "$server" 2>/dev/null
    [ -n "$nginx" ] && kill -QUIT "$nginx" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
path=/api/people/1/

# serve, on a port the system picks, read back from its first line.
taskset -c 0 "$bin" serve --addr 127.0.0.1:0 --log off 2>"$dir/serve.log" &
server=$!
for _ in $(seq 100); do
    grep -q 'http://' "$dir/serve.log" && break
    sleep 0.05
done
serve_url=$(grep -o 'http://[0-9.:]*' "$dir/serve.log" | head -1)
[ -n "$serve_url" ] || { echo "serve did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; }

# The person as serve sends it, for nginx to send as a file.
mkdir -p "$dir/www" "$dir/tmp"
curl -sf "$serve_url$path" -o "$dir/www/person.json"
# nginx's worker may run as another user (nobody), who must read it.
chmod a+rx "$dir" "$dir/www"
chmod a+r "$dir/www/person.json"

# nginx on a free port: one worker, no access log, everything under $dir.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $dir/www;
        location = $path {
            default_type application/json;
            add_header Access-Control-Allow-Origin *;
            try_files /person.json =404;
        }
    }
}
EOF
taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
nginx=$!
nginx_url=http://127.0.0.1:$port
for _ in $(seq 100); do
    curl -sf "$nginx_url$path" -o /dev/null && break
    sleep 0.05
done
cmp -s <(curl -sf "$serve_url$path") <(curl -sf "$nginx_url$path") ||
    { echo "nginx does not send serve's body" >&2; exit 1; }

echo "serve: $serve_url$path (pid $server)"
echo "nginx: $nginx_url$path (pid $nginx)"
echo "body: $(wc -c <"$dir/www/person.json") bytes; wrk -t1 -c100 -d${seconds}s on core 1, servers on core 0"

# CPU time, in clock ticks, of the processes given (and their threads).
ticks() {
    local pid total=0
    for pid in "$@"; do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    done
    echo "$total"
}
hz=$(getconf CLK_TCK)

# One wrk run against URL, with the server's PIDs after it: prints
# "requests/s p99-in-ms cpu-us-per-request".
measure() {
    local url=$1 before after
    shift
    before=$(ticks "$@")
    taskset -c 1 wrk -t1 -c100 -d"${seconds}s" --latency "$url$path" >"$dir/wrk.txt"
    after=$(ticks "$@")
    awk -v cpu=$((after - before)) -v hz="$hz" '
        / requests in / { n = $1 }
        /Requests\/sec:/ { rps = $2 }
        $1 == "99%" {
            v = $2
            if (v ~ /us$/) { sub(/us$/, "", v); ms = v / 1000 }
            else if (v ~ /ms$/) { sub(/ms$/, "", v); ms = v }
            else if (v ~ /s$/) { sub(/s$/, "", v); ms = v * 1000 }
        }
        /Non-2xx/ { bad = 1 }
        END {
            if (bad) print "non-2xx answers" > "/dev/stderr"
            printf "%.0f %.3f %.1f\n", rps, ms, cpu / hz * 1e6 / n
        }' "$dir/wrk.txt"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$dir/serve.txt"
: >"$dir/nginx.txt"
for round in $(seq "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then order="serve nginx"; else order="nginx serve"; fi
    line="round $round:"
    for which in $order; do
        if [ "$which" = serve ]; then
            read -r rps p99 cpu < <(measure "$serve_url" "$server")
        else
            read -r rps p99 cpu < <(measure "$nginx_url" "$nginx" $(pgrep -P "$nginx"))
        fi
        echo "$rps $p99 $cpu" >>"$dir/$which.txt"
        line+=$(printf '  %s %6s req/s p99 %6.2f ms %5.1f us CPU' "$which" "$rps" "$p99" "$cpu")
    done
    echo "$line"
done

serve_rps=$(cut -d' ' -f1 "$dir/serve.txt" | median)
serve_p99=$(cut -d' ' -f2 "$dir/serve.txt" | median)
serve_cpu=$(cut -d' ' -f3 "$dir/serve.txt" | median)
nginx_rps=$(cut -d' ' -f1 "$dir/nginx.txt" | median)
nginx_p99=$(cut -d' ' -f2 "$dir/nginx.txt" | median)
nginx_cpu=$(cut -d' ' -f3 "$dir/nginx.txt" | median)
echo "== medians of $rounds rounds"
printf 'serve  %8.0f requests/s  p99 %6.2f ms  %5.1f us CPU per request\n' "$serve_rps" "$serve_p99" "$serve_cpu"
printf 'nginx  %8.0f requests/s  p99 %6.2f ms  %5.1f us CPU per request\n' "$nginx_rps" "$nginx_p99" "$nginx_cpu"
awk -v s="$serve_rps" -v n="$nginx_rps" -v sp="$serve_p99" -v np="$nginx_p99" -v sc="$serve_cpu" -v nc="$nginx_cpu" \
    'BEGIN { printf "serve/nginx: %.2f x the requests/s, p99 %.2f x, %.2f x the CPU per request\n", s / n, sp / np, sc / nc }'
