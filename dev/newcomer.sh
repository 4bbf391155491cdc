#!/usr/bin/env bash
# A newcomer's first ten minutes, exactly as the README's quick start says, on a fresh clone of
# this repository's HEAD in a temporary folder: `npm install`, `npm test` on a machine without
# Chromium, `npm run dev`, GET /api/health, then Ctrl-C, after which nothing may be left running.
# CI runs it (.ci/run). Usage: bash dev/newcomer.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/shatter-newcomer-XXXXXX")"
clone="$work/shatter"
dev_pid=""

step() { printf '\n==> newcomer: %s\n' "$*"; }
fail() {
  printf 'newcomer: FAILED: %s\n' "$*" >&2
  exit 1
}
cleanup() {
  # Only what this script started: the dev server's own process group.
  if [ -n "$dev_pid" ] && kill -0 "$dev_pid" 2>/dev/null; then kill -KILL -- "-$dev_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
listening() { ss -Hltn "sport = :$1" | grep -q .; }

# A newcomer's shell: none of CI's or this machine's test settings.
unset CI MONGODB_URI MONGODB_DB SHATTER_DB SHATTER_CHROMIUM MONGOMS_DISABLE_POSTINSTALL PORT PUSHER_LOCAL_PORT

step "git clone (HEAD $(git -C "$repo" rev-parse --short HEAD)) into $clone"
git clone --quiet --no-hardlinks "$repo" "$clone"
cd "$clone"
[ ! -e .cache ] || fail "a fresh clone should have no .cache/"
started=$(date +%s)

step "npm install"
npm install

step "npm test, with no Chromium on this machine"
# The browser is made absent by pointing the browser tests at a path that does not exist.
export SHATTER_CHROMIUM="$work/no-chromium/chromium"
npm test 2>&1 | tee "$work/test.log" || fail "npm test failed"
skip_lines=$(grep -cF "Browser tests skipped: $SHATTER_CHROMIUM is missing" "$work/test.log" || true)
[ "$skip_lines" -eq 1 ] || fail "expected one 'Browser tests skipped' line, saw $skip_lines"
unset SHATTER_CHROMIUM

step "npm run dev"
# Free ports rather than 3000/6001, which another checkout on this machine may hold; the defaults
# themselves are covered by tests/dev-stack.test.ts.
api_port=$(free_port)
pusher_port=$(free_port)
# Its own process group, so Ctrl-C can be sent the way a terminal sends it: to the whole group.
PORT=$api_port PUSHER_LOCAL_PORT=$pusher_port setsid npm run dev >"$work/dev.log" 2>&1 &
dev_pid=$!
for _ in $(seq 1 240); do
  grep -q "Shatter backend is running" "$work/dev.log" && break
  kill -0 "$dev_pid" 2>/dev/null || { cat "$work/dev.log"; fail "npm run dev exited while starting"; }
  sleep 0.5
done
cat "$work/dev.log"
grep -q "Shatter backend is running" "$work/dev.log" || fail "npm run dev did not start within 120 s"
if [ -e .cache/mongodb-memory-server-failed ]; then
  # npm test found no mongod to download; npm run dev must not spend time trying again.
  grep -q "mongodb-memory-server failed before" "$work/dev.log" || fail "npm run dev tried mongodb-memory-server again"
fi

step "GET /api/health"
health=$(curl -sS -o "$work/health.json" -w '%{http_code}' "http://127.0.0.1:$api_port/api/health")
cat "$work/health.json"
echo
[ "$health" = 200 ] || fail "GET /api/health answered $health"
[ "$(cat "$work/health.json")" = '{"success":true,"db":"up","realtime":"custom-host"}' ] || fail "unexpected health body"
listening "$pusher_port" || fail "the local Pusher server is not listening on PUSHER_LOCAL_PORT=$pusher_port"
pgrep -f "^$clone/.cache/ferretdb " >/dev/null || fail "no FerretDB process from the clone is running"

step "Ctrl-C"
[ "$(ps -o pgid= -p "$dev_pid" | tr -d ' ')" = "$dev_pid" ] || fail "npm run dev is not in a process group of its own"
kill -INT -- "-$dev_pid"
# Everything npm run dev started is in its group: npm, the shell, tsx, node, FerretDB.
for _ in $(seq 1 40); do
  pgrep -g "$dev_pid" >/dev/null || break
  sleep 0.5
done
tail -n 3 "$work/dev.log"
left=$(pgrep -a -g "$dev_pid" || true)
[ -z "$left" ] || fail "still running 20 s after Ctrl-C: $left"
grep -q "^Stopped\.$" "$work/dev.log" || fail "npm run dev did not say it stopped"
! pgrep -af "^$clone/.cache/ferretdb " || fail "FerretDB is still running"
! listening "$api_port" || fail "port $api_port (PORT) is still open"
! listening "$pusher_port" || fail "port $pusher_port (PUSHER_LOCAL_PORT) is still open"
dev_pid=""

step "passed in $(($(date +%s) - started)) s (install, test, dev, health, Ctrl-C)"
