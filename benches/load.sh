#!/usr/bin/env bash
# Load benchmark (issue 7): an engagement of 100,000 workloads, the main pages
# under concurrent load on loopback, beside the same server's static file.
#
#   benches/load.sh                    # after: cargo build --release
#
# Prints per page p50/p99 latency and throughput, the ratio to /static/app.css
# measured in the same run, and the server's peak RSS (VmHWM). Goals from the
# issue: p99 < 50 ms, throughput >= 0.3x the static file, RSS < 150 MB.
# Bounded: each measurement lasts DURATION seconds; everything it started is
# stopped on exit. Loopback only.
#
# Settings (environment): SIXR_BIN (default target/release/sixr), WORKLOADS
# (100000), DURATION (10), CONNECTIONS (16), THREADS (1: the server needs
# the other core), KEEP (1 keeps the scratch directory), DRY_RUN (1: on a
# build whose `sixr import` fails, go on with an empty engagement created
# through the web form; checks the script, its figures are not the benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."

SIXR_BIN="${SIXR_BIN:-$PWD/target/release/sixr}"
WORKLOADS="${WORKLOADS:-100000}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-1}"
ENGAGEMENT="Load ${WORKLOADS}"

[ -x "$SIXR_BIN" ] || { echo "load.sh: no sixr binary at $SIXR_BIN; run cargo build --release first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load.sh: wrk is missing: apt-get install -y wrk" >&2; exit 2; }

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sixr-load.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "load.sh: scratch kept in $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT INT TERM

db="$scratch/load.db"
csv="$scratch/inventory-${WORKLOADS}.csv"

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "== sixr: $("$SIXR_BIN" --version 2>/dev/null || echo unknown), git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

echo "== generating $WORKLOADS workloads (sixr template CSV)"
python3 benches/gen_inventory.py "$WORKLOADS" > "$csv"

# Builds with accounts need a session: an administrator made with the CLI,
# logged in with curl below; its cookies go with every request.
password="load-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
has_accounts=0
if "$SIXR_BIN" user add --help >/dev/null 2>&1; then
  has_accounts=1
  printf '%s\n' "$password" | "$SIXR_BIN" user add --db "$db" --username load --role admin >/dev/null
fi

echo "== sixr import"
start=$(date +%s.%N)
if ! "$SIXR_BIN" import --db "$db" --engagement "$ENGAGEMENT" "$csv" > "$scratch/import.log" 2>&1; then
  echo "load.sh: sixr import failed; the pages cannot be measured at $WORKLOADS workloads:" >&2
  tail -5 "$scratch/import.log" >&2
  [ "${DRY_RUN:-0}" = 1 ] || exit 1
  echo "load.sh: DRY_RUN=1: measuring an empty engagement instead (not the benchmark's figures)" >&2
  WORKLOADS=0
else
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$WORKLOADS" 'BEGIN { printf "   %d workloads imported in %.2f s\n", n, e - s }'
fi

# A free loopback port: bind 0 and read what the kernel gave.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
RUST_LOG=warn "$SIXR_BIN" serve --db "$db" --addr "127.0.0.1:$port" > "$scratch/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/serve.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "$base/healthz" >/dev/null || { echo "load.sh: the server did not come up" >&2; exit 1; }

jar="$scratch/cookies"
web() { curl -fs -b "$jar" -c "$jar" "$@"; }
csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}'; }
if [ "$has_accounts" = 1 ]; then
  token="$(web "$base/login" | csrf_of)"
  web -o /dev/null --data-urlencode "csrf=$token" -d username=load --data-urlencode "password=$password" "$base/login"
fi
if [ "$WORKLOADS" = 0 ]; then
  # DRY_RUN: create the engagement through the form, CSRF token included.
  token="$(web "$base/engagements" | csrf_of)"
  web -o /dev/null --data-urlencode "csrf=$token" --data-urlencode "name=$ENGAGEMENT" \
    -d region=us-east-1 -d currency=USD -d language=en "$base/engagements"
fi
# wrk sends the browser's cookies (session and CSRF) as a header.
cookie="$(awk '$6 ~ /^sixr_/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar" 2>/dev/null || true)"
id="$(web "$base/engagements" | grep -o 'href="/engagements/[0-9]*"' | head -1 | grep -o '[0-9]*')"
[ -n "$id" ] || { echo "load.sh: no engagement listed on /engagements" >&2; exit 1; }

pages=(
  "/static/app.css"
  "/engagements"
  "/engagements/$id"
  "/engagements/$id/workloads"
  "/engagements/$id/applications"
  "/engagements/$id/assessment"
  "/engagements/$id/architecture"
  "/engagements/$id/plan"
  # Each request a page not read before (page=N counts up, wrapping at
  # 2,000): what a render costs when no kept page answers it.
  "/engagements/$id/workloads?page=*"
  "/engagements/$id/assessment?page=*"
)

# wrk prints latencies as 850.00us, 1.23ms, 1.02s, 1.00m: to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

printf '\n== %s connections, %s thread(s), %s s per page, %s workloads\n' "$CONNECTIONS" "$THREADS" "$DURATION" "$WORKLOADS"
# "first ms": the request before the measurement, which computes what the
# page keeps per engagement revision (once after each change).
printf '%-46s %8s %10s %10s %10s %10s %9s  %s\n' "page" "status" "first ms" "p50 ms" "p99 ms" "req/s" "x static" "goals"
static_rps=""
for path in "${pages[@]}"; do
  script=()
  if [[ "$path" == *'*' ]]; then
    prefix="${path%\*}"
    cat > "$scratch/count-pages.lua" <<LUA
n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "${prefix}" .. (n % 2000 + 1))
end
LUA
    script=(-s "$scratch/count-pages.lua")
  fi
  read -r status first_s <<<"$(curl -s -b "$jar" -o /dev/null -w '%{http_code} %{time_total}' "$base${path/\*/1}")"
  first="$(awk -v s="$first_s" 'BEGIN { printf "%.1f", s * 1000 }')"
  shown="${path/\/engagements\/$id/\/engagements\/\{id\}}"
  shown="${shown/\*/N (each new)}"
  if [ "$status" != 200 ]; then
    printf '%-46s %8s %10s %10s %10s %10s %9s  %s\n' "$shown" "$status" "$first" "-" "-" "-" "-" "not measured (not on this build)"
    continue
  fi
  out="$(timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "${script[@]}" -H "Cookie: $cookie" "$base${path/\*/1}")"
  p50="$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  rps="$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")"
  bad="$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")"
  errors="$(awk '/Socket errors/ {print}' <<<"$out")"
  done_count="$(awk '/requests in/ {print $1}' <<<"$out")"
  if [ "${done_count:-0}" = 0 ]; then
    printf '%-46s %8s %10s %10s %10s %10s %9s  %s\n' "$shown" "$status" "$first" "-" "-" "0" "-" "MISSED: no answer completed within ${DURATION} s"
    continue
  fi
  if [ -z "$static_rps" ]; then static_rps="$rps"; fi
  ratio="$(awk -v r="$rps" -v s="$static_rps" 'BEGIN { printf "%.2f", (s > 0 ? r / s : 0) }')"
  goals="$(awk -v p="$p99" -v x="$ratio" -v st="$path" 'BEGIN {
    if (st ~ /^\/static\//) { print "(baseline)"; exit }
    printf "p99<50ms %s, >=0.3x static %s", (p < 50 ? "met" : "MISSED"), (x >= 0.3 ? "met" : "MISSED") }')"
  [ -n "$bad" ] && goals="$goals; $bad non-2xx answers"
  [ -n "$errors" ] && goals="$goals; $errors"
  printf '%-46s %8s %10s %10s %10s %10s %9s  %s\n' "$shown" "$status" "$first" "$p50" "$p99" "$rps" "$ratio" "$goals"
done

hwm_kb="$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")"
rss_kb="$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
awk -v h="$hwm_kb" -v r="$rss_kb" 'BEGIN {
  printf "\n== server memory: peak RSS (VmHWM) %.1f MB, RSS now %.1f MB; goal < 150 MB: %s\n", h / 1024, r / 1024, (h / 1024 < 150 ? "met" : "MISSED") }'
