#!/usr/bin/env bash
# Runs the whole suite: every test on SQLite and on PostgreSQL (when reachable), the browser
# journeys, and the production build (gunicorn, PANTAU_DEBUG=0).
# Prints which parts ran and exits non-zero when any part that ran failed.
#
# The parts run side by side, as many at once as the machine has cores (TEST_JOBS to change it),
# the longest first, each with its own data directory (test database file, media, task queue) and,
# on PostgreSQL, its own test database; a part's output is kept in a log and printed whole when it
# ends. Each engine's suite is split in two parts (the apps' tests in pantau/, the cross-cutting
# ones in tests/) so that the parts even out across the cores.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${PG_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/pantau}}
JOBS=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=2
declare -a summary names cmds
status=0
LOGS=$(mktemp -d)
DIRS=$(mktemp -d)
trap 'rm -rf "$LOGS" "$DIRS"' EXIT

pg_url_named() {  # the PostgreSQL URL with "_<suffix>" after the database name
  echo "$PG_URL" | sed -E "s#^(.*/[^/?]+)(\?.*)?\$#\1_$1\2#"
}

add_part() {  # name command...
  names+=("$1"); shift
  cmds+=("$*")
}

pytest_part() {  # data_dir database_url marker paths...
  local dir=$1 url=$2 marker=$3; shift 3
  mkdir -p "$dir"
  env PANTAU_DATA_DIR="$dir" DATABASE_URL="$url" $BIN/pytest -m "$marker" -q -rfE -p no:cacheprovider "$@"
}
export -f pytest_part
export BIN

PG=
if $BIN/python scripts/pg_reachable.py "$PG_URL"; then PG=1; fi

# the longest first (measured on the 2-core machine CI runs on: about 9, 5, 6.5, 5, 6.5, 4.5
# and 0.5 minutes); tests/ is split in two on PostgreSQL, the access matrix and the rest, so that
# no long part is left to run alone at the end
if [ -n "$PG" ]; then
  add_part "PostgreSQL, pantau/ ($PG_URL)" pytest_part "$DIRS/pg" "$PG_URL" "'not browser'" pantau
  add_part "PostgreSQL, tests/test_access_matrix.py ($(pg_url_named b))" pytest_part "$DIRS/pg_b" "$(pg_url_named b)" "'not browser'" tests/test_access_matrix.py
fi
add_part "SQLite, pantau/" pytest_part "$DIRS/sqlite" "''" "'not browser'" pantau
if command -v chromium >/dev/null 2>&1; then
  add_part "Browser (Chromium, viewport ponsel)" pytest_part "$DIRS/browser" "''" browser
else
  summary+=("Browser: GAGAL / failed (chromium missing)"); status=1
fi
if [ -n "$PG" ]; then
  # the access-matrix cells of the other roles run in the PostgreSQL part (decision 0042)
  add_part "SQLite, tests/ (matriks akses: peran sampel / access matrix: sampled roles)" pytest_part "$DIRS/sqlite_b" "''" "'not browser and not matrix_rest'" tests
  add_part "PostgreSQL, tests/ but the access matrix ($(pg_url_named c))" pytest_part "$DIRS/pg_c" "$(pg_url_named c)" "'not browser'" tests --ignore=tests/test_access_matrix.py
else
  add_part "SQLite, tests/" pytest_part "$DIRS/sqlite_b" "''" "'not browser'" tests
fi
add_part "Produksi (PANTAU_DEBUG=0, gunicorn 2 workers)" env DATABASE_URL= $BIN/python scripts/prod_smoke.py

echo "== $JOBS bagian sekaligus / parts at once"
declare -A running=()  # pid -> part index
next=0
start_next() {
  local i=$next
  next=$((next + 1))
  echo "== mulai / started: ${names[$i]}"
  ( eval "${cmds[$i]}" >"$LOGS/$i.log" 2>&1 ) &
  running[$!]=$i
}
finish() {  # pid rc
  local i=${running[$1]}
  unset "running[$1]"
  echo
  echo "=================== ${names[$i]} ==================="
  cat "$LOGS/$i.log"
  if [ "$2" = 0 ]; then summary+=("${names[$i]}: LULUS / passed"); else summary+=("${names[$i]}: GAGAL / failed"); status=1; fi
}
while [ "$next" -lt "${#names[@]}" ] || [ "${#running[@]}" -gt 0 ]; do
  while [ "$next" -lt "${#names[@]}" ] && [ "${#running[@]}" -lt "$JOBS" ]; do start_next; done
  wait -n -p done_pid
  rc=$?
  finish "$done_pid" "$rc"
done

# every part must have reported (a fault of this script itself must never read as a pass)
done_parts=0
for line in "${summary[@]}"; do case $line in *"LULUS / passed"|*"GAGAL / failed") done_parts=$((done_parts + 1));; esac; done
if [ "$done_parts" -lt "${#names[@]}" ]; then
  summary+=("scripts/test-all.sh: GAGAL / failed (${done_parts} of ${#names[@]} parts reported)"); status=1
fi

if [ -z "$PG" ]; then
  echo
  echo "PostgreSQL TIDAK terjangkau di $PG_URL: bagian PostgreSQL DILEWATI. / PostgreSQL NOT reachable: its parts SKIPPED."
  summary+=("PostgreSQL: DILEWATI / skipped (not reachable at $PG_URL)")
fi

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
