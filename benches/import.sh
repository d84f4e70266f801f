#!/usr/bin/env bash
# Import speed: `sixr import` of a generated 100,000-workload template CSV
# against `sqlite3 .import` of the same file into a bare table, same run,
# same disk. Prints the median of RUNS runs of each and the ratio (goal <= 2.0).
# `sixr import` ends with the pages ready (scores, architectures, figures and
# plan derived): the ratio is given for the whole command and for the rows
# alone (the whole less the derivation time the command prints). A third
# figure is SQLite alone storing the same rows in sixr's workloads table with
# its sort indexes: no import can store them faster.
#
#   benches/import.sh            # 100000 rows, 3 runs
#   ROWS=20000 RUNS=5 benches/import.sh
#   SIXR_BIN=path/to/sixr benches/import.sh   # an existing release build
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
RUNS=${RUNS:-3}
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed (apt-get install sqlite3)"; exit 1; }
if [ -z "${SIXR_BIN:-}" ]; then cargo build --release --quiet; fi
BIN=${SIXR_BIN:-target/release/sixr}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CSV="$WORK/inventory.csv"

# Realistic rows: every template column filled, apps shared by 20 workloads,
# one dependency per workload, questionnaire answers.
awk -v rows="$ROWS" 'BEGIN {
  print "name,hostname,application,environment,role,os,os_version,cpu_cores,ram_gb,storage_gb,cpu_util_peak_pct,ram_util_peak_pct,db_engine,db_version,middleware,runtime,license,annual_cost,criticality,data_classification,dependencies,users,notes,powered_off,still_used,saas_alternative,source_available,must_stay_on_prem,needs_new_features,deadline_months"
  split("web app db cache batch", roles, " "); split("production staging test development", envs, " ")
  for (i = 1; i <= rows; i++) {
    role = roles[i % 5 + 1]; env = envs[i % 4 + 1]
    db = (role == "db") ? "MySQL,8.0" : ","
    dep = (i > 1) ? sprintf("srv-%06d", i - 1) : ""
    printf "srv-%06d,srv-%06d.corp.local,app-%04d,%s,%s,Ubuntu Linux,22.04,%d,%d,%d,%d,%d,%s,Apache 2.4,Java 11,,%d,medium,internal,%s,%d,\"imported, generated row %d\",,yes,no,yes,no,no,12\n",
      i, i, int(i / 20), env, role, 2 ^ (i % 4 + 1), 4 * (i % 8 + 1), 100 + i % 900, i % 100, (i * 7) % 100, db, 1000 + i % 5000, dep, i % 10000, i
  }
}' > "$CSV"
echo "file: $ROWS rows, $(du -h "$CSV" | cut -f1)"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }

sixr_times=(); rows_times=(); sqlite_times=(); floor_times=()
for run in $(seq "$RUNS"); do
  rm -f "$WORK"/s.db*
  t0=$(now); "$BIN" import --db "$WORK/s.db" --engagement Bench "$CSV" > "$WORK/out.txt"; t1=$(now)
  sixr_times+=("$(echo "$t1 - $t0" | bc -l)")
  derived=$(sed -n 's/^scored, planned and priced in \([0-9.]*\) s$/\1/p' "$WORK/out.txt")
  rows_times+=("$(echo "$t1 - $t0 - ${derived:-0}" | bc -l)")
  rm -f "$WORK"/q.db*
  t0=$(now); sqlite3 "$WORK/q.db" ".import --csv $CSV bare"; t1=$(now)
  sqlite_times+=("$(echo "$t1 - $t0" | bc -l)")
  # What SQLite alone spends storing the rows sixr stored, in sixr's
  # workloads table with its indexes (the sort orders the pages need), in
  # one transaction, WAL as sixr: the floor of the rows' time, no parsing.
  # (The WHERE keeps SQLite from copying the source's B-trees whole.)
  rm -f "$WORK"/f.db*
  sqlite3 "$WORK/s.db" "SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 'workloads' AND type IN ('table', 'index') AND sql IS NOT NULL" > "$WORK/workloads.sql"
  sqlite3 "$WORK/f.db" "PRAGMA journal_mode = WAL;" ".read $WORK/workloads.sql" > /dev/null
  t0=$(now)
  sqlite3 "$WORK/f.db" "PRAGMA synchronous = NORMAL; ATTACH '$WORK/s.db' AS src; BEGIN; INSERT INTO workloads SELECT * FROM src.workloads WHERE id > 0 ORDER BY id; COMMIT;"
  t1=$(now)
  floor_times+=("$(echo "$t1 - $t0" | bc -l)")
done
check=$(sqlite3 "$WORK/s.db" "SELECT COUNT(*) FROM workloads")
[ "$check" = "$ROWS" ] || { echo "sixr imported $check rows, expected $ROWS"; exit 1; }
s=$(printf '%s\n' "${sixr_times[@]}" | median)
r=$(printf '%s\n' "${rows_times[@]}" | median)
q=$(printf '%s\n' "${sqlite_times[@]}" | median)
f=$(printf '%s\n' "${floor_times[@]}" | median)
printf 'sixr import      median %.3f s  (runs: %s): rows and derivation, pages ready\n' "$s" "${sixr_times[*]}"
printf '  the rows alone median %.3f s  (runs: %s)\n' "$r" "${rows_times[*]}"
printf 'sqlite3 .import  median %.3f s  (runs: %s)\n' "$q" "${sqlite_times[*]}"
printf 'sqlite3 storing the same rows in the workloads table with its indexes  median %.3f s  (runs: %s)\n' "$f" "${floor_times[*]}"
printf 'ratio %.2f, the rows alone %.2f (goal <= 2.0); SQLite alone storing them with the indexes %.2f\n' \
  "$(echo "$s / $q" | bc -l)" "$(echo "$r / $q" | bc -l)" "$(echo "$f / $q" | bc -l)"
