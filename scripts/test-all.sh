#!/usr/bin/env bash
# Runs the whole suite: SQLite, then PostgreSQL when reachable, then the browser journeys, then
# the production build served under gunicorn (scripts/prod_smoke.py, about half a minute).
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

run_part "1/4 SQLite" env DATABASE_URL= $BIN/pytest -m "not browser" -q -p no:cacheprovider

if $BIN/python scripts/pg_reachable.py "$PG_URL"; then
  run_part "2/4 PostgreSQL ($PG_URL)" env DATABASE_URL="$PG_URL" $BIN/pytest -m "not browser" -q -p no:cacheprovider
else
  echo
  echo "=================== 2/4 PostgreSQL ==================="
  echo "PostgreSQL TIDAK terjangkau di $PG_URL: bagian ini DILEWATI. / PostgreSQL NOT reachable: part SKIPPED."
  summary+=("2/4 PostgreSQL: DILEWATI / skipped (not reachable at $PG_URL)")
fi

if command -v chromium >/dev/null 2>&1; then
  run_part "3/4 Browser (Chromium, viewport ponsel)" env DATABASE_URL= $BIN/pytest -m browser -q -p no:cacheprovider
else
  summary+=("3/4 Browser: GAGAL / failed (chromium missing)"); status=1
fi

run_part "4/4 Produksi (PANTAU_DEBUG=0, gunicorn 2 workers)" env DATABASE_URL= $BIN/python scripts/prod_smoke.py

echo
echo "=================== Ringkasan / Summary ==================="
printf '%s\n' "${summary[@]}"
exit $status
