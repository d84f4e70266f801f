#!/usr/bin/env bash
# Server memory per upload (issue 12): for each file, a fresh `sixr serve`
# under /usr/bin/time -v, an administrator logs in with curl, uploads the
# file on the import page of a new engagement, and the server is stopped;
# prints the HTTP status of the upload, the first line of what the page
# says, and the server's peak RSS ("Maximum resident set size"). Goal: under
# 300 MB for any upload up to the 50 MB limit, and the server still alive.
#
#   benches/upload_rss.sh [FILE...]   # default: the hostile workbooks and the real exports
#
# SIXR_BIN (default target/release/sixr). Loopback only; everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

SIXR_BIN="${SIXR_BIN:-$PWD/target/release/sixr}"
[ -x "$SIXR_BIN" ] || { echo "upload_rss.sh: no sixr binary at $SIXR_BIN" >&2; exit 2; }
if [ $# -eq 0 ]; then
  set -- fuzz/regressions/hostile-*.xlsx tests/inventories/*.xlsx tests/inventories/*.csv
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sixr-rss.XXXXXX")"
server_pid=""
# The server runs under /usr/bin/time: stop the server (time's child), so
# that time reports its peak.
stop() {
  if [ -n "$server_pid" ]; then
    local child
    child=$(pgrep -P "$server_pid" || true)
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" $child 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop; rm -rf "$scratch"' EXIT INT TERM

echo "== $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), sixr at $SIXR_BIN"
printf '%-40s %6s %10s  %s\n' file status "peak RSS" "what the page says"
for file in "$@"; do
  dir="$scratch/run"
  rm -rf "$dir" && mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password="rss-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
  printf '%s\n' "$password" | "$SIXR_BIN" user add --db "$dir/s.db" --username rss --role admin >/dev/null 2>&1
  /usr/bin/time -v -o "$dir/time.txt" "$SIXR_BIN" serve --db "$dir/s.db" --addr "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
  server_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  jar="$dir/cookies"
  token() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | token)
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "username=rss" --data-urlencode "password=$password" "$base/login"
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/engagements" | token)
  location=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" -H "X-CSRF-Token: $csrf" \
    --data-urlencode "name=RSS $(basename "$file")" --data "region=us-east-1&currency=USD&language=en" "$base/engagements")
  import="${location%/}/import"
  csrf=$(curl -s -c "$jar" -b "$jar" "$import" | token)
  status=$(curl -s -o "$dir/page.html" -w '%{http_code}' -c "$jar" -b "$jar" -H "X-CSRF-Token: $csrf" -F "csrf=$csrf" -F "file=@$file" "$import")
  said=$(python3 -c 'import html,re,sys; t=open(sys.argv[1],encoding="utf-8",errors="replace").read(); m=re.search(r"<pre>(.*?)</pre>", t, re.S) or re.search(r"<h2[^>]*>(.*?)</h2>", t, re.S); print(html.unescape(re.sub(r"\s+"," ",m.group(1))).strip()[:110] if m else "")' "$dir/page.html")
  alive=$(curl -fs "$base/healthz" >/dev/null 2>&1 && echo alive || echo DEAD)
  stop
  rss=$(awk -F: '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$dir/time.txt")
  printf '%-40s %6s %10s  %s [%s]\n' "$(basename "$file")" "$status" "$rss" "$said" "$alive"
done
