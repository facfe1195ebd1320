#!/usr/bin/env bash
# Starts and stops the S3 test server N times in a row (default 30) and says how many starts
# succeeded, with the time each start and stop took. Run on demand, not in CI:
#
#   scripts/s3-test-server-soak.sh [N]        (npm run s3:test-server:soak -- N)
#
# A start counts as a success when scripts/s3-test-server.sh start exits 0, the gateway answers a
# signed S3 request (ListBuckets) with the printed keys, and after stop no daemon of it is left and
# its ports are free. The output of a failed start and its daemon logs are kept in
# $S3_TEST_SERVER_SOAK_DIR (default /tmp/resume-drop-ceph-soak). It honours the same variables as
# the server script (S3_TEST_SERVER_DIR, S3_TEST_SERVER_PORT, S3_TEST_SERVER_MON_PORT), so it can run
# beside a server on the default ports. It stops a server already running in that folder.
set -uo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-30}
DIR=${S3_TEST_SERVER_DIR:-/tmp/resume-drop-ceph}
PORT=${S3_TEST_SERVER_PORT:-7480}
MON_PORT=${S3_TEST_SERVER_MON_PORT:-6789}
SOAK_DIR=${S3_TEST_SERVER_SOAK_DIR:-/tmp/resume-drop-ceph-soak}
SERVER=scripts/s3-test-server.sh

if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then echo "usage: $0 [number of runs]" >&2; exit 2; fi
rm -rf "$SOAK_DIR" && mkdir -p "$SOAK_DIR"

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

# A signed ListBuckets with the keys the start printed: the gateway is up and the test user works.
s3_answers() {
  local endpoint key secret
  endpoint=$(sed -n 's/^S3_TEST_ENDPOINT=//p' "$1")
  key=$(sed -n 's/^S3_TEST_ACCESS_KEY=//p' "$1")
  secret=$(sed -n 's/^S3_TEST_SECRET_KEY=//p' "$1")
  # RGW checks the payload hash header, which curl's SigV4 does not send on its own.
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --aws-sigv4 'aws:amz:us-east-1:s3' \
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --user "$key:$secret" "$endpoint/")" = 200 ]
}

bash "$SERVER" stop >/dev/null 2>&1 || true
ok=0
retried=0
start_times=()
stop_times=()
for run in $(seq 1 "$RUNS"); do
  out="$SOAK_DIR/start-$run.out"
  began=$(now)
  bash "$SERVER" start >"$out" 2>&1
  status=$?
  started=$(now)
  start_times+=("$(seconds "$began" "$started")")
  why=""
  if [ "$status" != 0 ]; then
    why="start exited with $status: $(grep -m1 '^S3 test server:' "$out")"
  elif grep -q 'already running' "$out"; then
    why="start found a server already running (stop did not stop it)"
  elif ! s3_answers "$out"; then
    why="the gateway did not answer a signed ListBuckets"
  fi
  [ -n "$why" ] && cp -r "$DIR/log" "$SOAK_DIR/logs-$run" 2>/dev/null
  stopped_at=$(now)
  if ! bash "$SERVER" stop >>"$out" 2>&1; then why="${why:+$why; }stop failed"; fi
  stop_times+=("$(seconds "$stopped_at" "$(now)")")
  if pgrep -f -- "-c $DIR/ceph.conf" >/dev/null; then why="${why:+$why; }a daemon was left after stop"; fi
  if listening "$PORT" || listening "$MON_PORT"; then why="${why:+$why; }a port was still bound after stop"; fi
  # A retried daemon start still counts as a success, but is reported: retries should stay rare.
  retries=$(grep -c 'attempt [0-9]* of [0-9]* failed' "$out")
  note=""
  if [ "$retries" -gt 0 ]; then retried=$((retried + 1)); note=", $retries failed attempt(s) retried, see $out"; fi
  if [ -z "$why" ]; then
    ok=$((ok + 1))
    echo "run $run/$RUNS: ok (start ${start_times[-1]} s, stop ${stop_times[-1]} s$note)"
  else
    echo "run $run/$RUNS: FAILED: $why (output in $out)"
  fi
done

stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1; s += $1 } END { printf "min %.1f s, median %.1f s, max %.1f s, mean %.1f s", v[1], v[int((NR + 1) / 2)], v[NR], s / NR }'; }
echo "start: $(stats "${start_times[@]}")"
echo "stop: $(stats "${stop_times[@]}")"
echo "starts that needed a retry: $retried"
echo "S3 test server soak: $ok/$RUNS starts succeeded"
[ "$ok" = "$RUNS" ]
