#!/usr/bin/env bash
# Runs the whole suite: SQLite and PostgreSQL (when reachable) side by side, then the browser journeys, then the production build (gunicorn, PANTAU_DEBUG=0).
# Prints which parts ran and exits non-zero when any part that ran failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${PG_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pantau}}
declare -a summary
status=0

run_part() {
  local name=$1; shift
  echo
  echo "=================== $name ==================="
  if "$@"; then summary+=("$name: LULUS / passed"); else summary+=("$name: GAGAL / failed"); status=1; fi
}

# The SQLite and PostgreSQL parts run side by side (one core each), each with its own data
# directory (test database file, media, task queue), their output kept in a log and printed
# whole when the part ends; the browser part runs after them. PostgreSQL is the slower engine
# here, so its part runs as two halves: the apps' tests (pantau/) from the start, and the
# cross-cutting ones (tests/, the access matrix among them) on the core the SQLite part frees,
# with their own test database (<name>_b).
LOGS=$(mktemp -d)
SQLITE_DIR=$(mktemp -d)
PG_DIR=$(mktemp -d)
PG_DIR_B=$(mktemp -d)
trap 'rm -rf "$LOGS" "$SQLITE_DIR" "$PG_DIR" "$PG_DIR_B"' EXIT
start_part() {  # name log data_dir database_url [paths...]
  local name=$1 log=$2 dir=$3 url=$4; shift 4
  echo "== $name: berjalan / running (log: $log)"
  ( env PANTAU_DATA_DIR="$dir" DATABASE_URL="$url" $BIN/pytest -m "not browser" -q -rfE -p no:cacheprovider "$@" >"$log" 2>&1 ) &
}
finish_part() {  # name log pid
  local name=$1 log=$2 pid=$3
  echo
  echo "=================== $name ==================="
  if wait "$pid"; then summary+=("$name: LULUS / passed"); else summary+=("$name: GAGAL / failed"); status=1; fi
  cat "$log"
}

start_part "1/4 SQLite" "$LOGS/sqlite.log" "$SQLITE_DIR" ""
sqlite_pid=$!

pg_pid=
PG_URL_B=$(echo "$PG_URL" | sed -E 's#^(.*/[^/?]+)(\?.*)?$#\1_b\2#')
if $BIN/python scripts/pg_reachable.py "$PG_URL"; then
  start_part "2/4 PostgreSQL, pantau/ ($PG_URL)" "$LOGS/pg.log" "$PG_DIR" "$PG_URL" pantau
  pg_pid=$!
fi

finish_part "1/4 SQLite" "$LOGS/sqlite.log" "$sqlite_pid"
if [ -n "$pg_pid" ]; then
  start_part "2/4 PostgreSQL, tests/ ($PG_URL_B)" "$LOGS/pg_b.log" "$PG_DIR_B" "$PG_URL_B" tests
  pg_b_pid=$!
  finish_part "2/4 PostgreSQL, pantau/ ($PG_URL)" "$LOGS/pg.log" "$pg_pid"
  finish_part "2/4 PostgreSQL, tests/ ($PG_URL_B)" "$LOGS/pg_b.log" "$pg_b_pid"
else
  echo
  echo "=================== 2/4 PostgreSQL ==================="
  echo "PostgreSQL TIDAK terjangkau di $PG_URL: bagian ini DILEWATI. / PostgreSQL NOT reachable: part SKIPPED."
  summary+=("2/4 PostgreSQL: DILEWATI / skipped (not reachable at $PG_URL)")
fi

browser_part() {  # its output shown as it runs and kept for the recap at the end
  env DATABASE_URL= $BIN/pytest -m browser -q -rfE -p no:cacheprovider 2>&1 | tee "$LOGS/browser.log"
  return "${PIPESTATUS[0]}"
}

if command -v chromium >/dev/null 2>&1; then
  run_part "3/4 Browser (Chromium, viewport ponsel)" browser_part
else
  summary+=("3/4 Browser: GAGAL / failed (chromium missing)"); status=1
fi

run_part "4/4 Produksi (PANTAU_DEBUG=0, gunicorn 2 workers)" env DATABASE_URL= $BIN/python scripts/prod_smoke.py

echo
echo "=================== Ringkasan / Summary ==================="
printf '%s\n' "${summary[@]}"
# the reason of every failure, last, where a CI log's tail shows it
if grep -hE '^(FAILED|ERROR) ' "$LOGS"/*.log >/dev/null 2>&1; then
  echo
  echo "=================== Gagal / Failures ==================="
  grep -hE '^(FAILED|ERROR) ' "$LOGS"/*.log | cut -c1-600
fi
exit $status
