#!/usr/bin/env bash
# A real S3 server for the tests: a one-node Ceph cluster (monitor, one in-memory OSD) and its RADOS
# Gateway on 127.0.0.1:7480, from Debian's packages, without systemd.
#
#   scripts/s3-test-server.sh start    start it (idempotent); prints the S3_TEST_* settings
#   scripts/s3-test-server.sh stop     stop every daemon, wait until each has exited, remove its folder
#   scripts/s3-test-server.sh status   exit 0 when the gateway answers
#
# start exits 0 when the gateway answers, 3 when Ceph is not installed, and otherwise 1 with a line
# `S3 test server: <step> failed: <why>` and the last lines of every daemon's log on stderr.
# scripts/s3-test-server-soak.sh starts and stops it N times in a row.
#
# Environment: S3_TEST_SERVER_DIR (/tmp/resume-drop-ceph), S3_TEST_SERVER_PORT (gateway, 7480),
# S3_TEST_SERVER_MON_PORT (monitor, 6789), S3_TEST_SERVER_ATTEMPTS (starts per daemon, 3),
# S3_TEST_SERVER_BYTES (memstore size), S3_TEST_ACCESS_KEY, S3_TEST_SECRET_KEY.
#
# Needs: apt-get install -y ceph-mon ceph-osd radosgw ceph-common
set -Eeuo pipefail

DIR=${S3_TEST_SERVER_DIR:-/tmp/resume-drop-ceph}
PORT=${S3_TEST_SERVER_PORT:-7480}
MON_PORT=${S3_TEST_SERVER_MON_PORT:-6789}
ATTEMPTS=${S3_TEST_SERVER_ATTEMPTS:-3}
ACCESS_KEY=${S3_TEST_ACCESS_KEY:-RESUMEDROPTESTKEY000}
SECRET_KEY=${S3_TEST_SECRET_KEY:-resume-drop-test-secret-key-0000000000000}
CONF="$DIR/ceph.conf"

# What start is doing now, for the failure message.
step="starting"

fail() {
  trap - ERR
  echo "S3 test server: $step failed: $*" >&2
  print_logs >&2
  # Leave nothing running on the ports; the logs stay in $DIR until the next start or stop.
  stop_daemons >/dev/null 2>&1 || true
  exit 1
}
# With set -e alone a failing command would end the script without a word.
trap 'fail "\`$BASH_COMMAND\` exited with status $?"' ERR

print_logs() {
  local file
  for file in "$DIR"/log/*.log; do
    [ -s "$file" ] || continue
    echo "--- last lines of $file"
    tail -n 15 "$file"
  done
}

gateway_up() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; }

# A ceph command against this folder's cluster, bounded in time: a monitor that never answers must
# not hang the start.
ceph_cli() { timeout 20 ceph -c "$CONF" --connect-timeout 10 "$@" 2>>"$DIR/log/ceph-cli.log"; }

our_fsid() { sed -n 's/^fsid = //p' "$CONF" 2>/dev/null; }

missing_packages() {
  local missing=() binary
  for binary in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph-authtool ceph curl; do
    command -v "$binary" >/dev/null 2>&1 || missing+=("$binary")
  done
  echo "${missing[*]:-}"
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "sport = :$1")" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# A zombie has exited: it only waits for its parent to collect it.
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# Every process started with this folder's ceph.conf: the daemons, and any ceph or radosgw-admin
# command still waiting on them. Pid files are not trusted alone: a stale one may name another process.
our_processes() { pgrep -f -- "-c $CONF( |$)" || true; }

wait_until_gone() {
  local tenths=$1 pid; shift
  for _ in $(seq 1 "$tenths"); do
    local left=0
    for pid in "$@"; do if alive "$pid"; then left=1; fi; done
    [ "$left" = 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# SIGTERM, up to 10 s to exit, then SIGKILL and up to 5 s more; says which process outlived that.
terminate() {
  [ "$#" -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  if wait_until_gone 100 "$@"; then return 0; fi
  local pid
  for pid in "$@"; do if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi; done
  if wait_until_gone 50 "$@"; then return 0; fi
  for pid in "$@"; do
    if alive "$pid"; then echo "S3 test server: process $pid ($(ps -o args= -p "$pid")) did not exit" >&2; fi
  done
  return 1
}

# The pid in a daemon's pid file, when that process is still running with this folder's ceph.conf.
daemon_pid() {
  local pidfile="$DIR/run/$1.pid" pid args
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  alive "$pid" || return 0
  args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 0
  if [[ $args == *"-c $CONF"* ]]; then echo "$pid"; fi
}

# shellcheck disable=SC2046 # no pid, or one
stop_daemon() { terminate $(daemon_pid "$1") && rm -f "$DIR/run/$1.pid"; }

stop_daemons() {
  # Gateway and OSD before the monitor: a stopping OSD asks the monitor to mark it down and waits
  # up to 5 s for its answer. Then anything else still using this folder's ceph.conf.
  local name pids
  for name in client.rgw osd.0 mon.a; do stop_daemon "$name" || return 1; done
  mapfile -t pids < <(our_processes)
  terminate "${pids[@]}"
}

stop() {
  step="stopping"
  stop_daemons || fail "a daemon did not exit after SIGKILL"
  rm -rf "$DIR"
}

wait_for_port_free() {
  for _ in $(seq 1 300); do port_in_use "$1" || return 0; sleep 0.1; done
  local holder=""
  command -v ss >/dev/null 2>&1 && holder=$(ss -Hltnp "sport = :$1" | head -n 3)
  fail "port $1 is still in use after 30 s${holder:+: $holder}"
}

# Runs "$@" up to ATTEMPTS times. Inside it set -e does not apply (it runs as a condition), so each
# step function returns non-zero itself, after saying why on stderr.
retry() {
  local attempt
  for attempt in $(seq 1 "$ATTEMPTS"); do
    if "$@"; then return 0; fi
    echo "S3 test server: $step: attempt $attempt of $ATTEMPTS failed" >&2
  done
  fail "gave up after $ATTEMPTS attempts"
}

start_monitor() {
  stop_daemon mon.a || return 1
  if ! ceph-mon -c "$CONF" -i a 2>>"$DIR/log/mon-start.log"; then
    echo "ceph-mon exited with status $?" >&2
    return 1
  fi
  # Answering is not enough: the monitor on this port must be the one just made (its fsid), not one
  # left over from another start.
  local fsid="" expected; expected=$(our_fsid)
  for _ in $(seq 1 20); do
    fsid=$(ceph_cli fsid) && [ -n "$fsid" ] && break
    sleep 0.5
  done
  if [ "$fsid" != "$expected" ]; then
    echo "the monitor on 127.0.0.1:$MON_PORT answered fsid '${fsid:-nothing}', expected $expected" >&2
    return 1
  fi
}

start_osd() {
  stop_daemon osd.0 || return 1
  rm -rf "$DIR/osd/ceph-0" && mkdir -p "$DIR/osd/ceph-0" || return 1
  if ! ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$1" 2>>"$DIR/log/osd-mkfs.log"; then
    echo "ceph-osd --mkfs exited with status $?" >&2
    return 1
  fi
  # --no-mon-config: without it the OSD first fetches its config from the monitor, and the MonClient
  # it then starts with holds the monitor's address but a zero fsid until the monitor's map arrives.
  # Ceph 16's OSD sends "osd crush set-device-class" right after authenticating, often before that
  # map, and the monitor refuses it ("wrong fsid", EPERM): ceph-osd exits 250. Reading everything
  # from ceph.conf gives the MonClient the fsid from the start.
  if ! ceph-osd -c "$CONF" --no-mon-config -i 0 2>>"$DIR/log/osd-start.log"; then
    echo "ceph-osd exited with status $?" >&2
    return 1
  fi
  local stat
  for _ in $(seq 1 60); do
    stat=$(ceph_cli osd stat -f json) || stat=""
    [[ $stat == *'"num_up_osds":1'* ]] && return 0
    sleep 0.5
  done
  echo "osd.0 was not up 30 s after it started" >&2
  return 1
}

start_gateway() {
  stop_daemon client.rgw || return 1
  if ! radosgw -c "$CONF" -n client.rgw 2>>"$DIR/log/rgw-start.log"; then
    echo "radosgw exited with status $?" >&2
    return 1
  fi
  # The first start creates the gateway's pools, which takes a few seconds.
  for _ in $(seq 1 240); do gateway_up && return 0; sleep 0.25; done
  echo "the RADOS Gateway did not answer on 127.0.0.1:$PORT within 60 s" >&2
  return 1
}

create_user() {
  timeout 60 radosgw-admin -c "$CONF" user info --uid=resume-drop >/dev/null 2>&1 && return 0
  timeout 60 radosgw-admin -c "$CONF" user create --uid=resume-drop --display-name="Resume Drop tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null 2>>"$DIR/log/rgw-admin.log"
}

write_config() {
  local fsid=$1
  cat > "$CONF" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$MON_PORT
mon initial members = a
ms bind msgr2 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = $DIR/run
pid file = $DIR/run/\$name.pid
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
keyring = $DIR/keyring
[mon]
mon data = $DIR/mon/\$cluster-\$id
paxos propose interval = 0.01
paxos min wait = 0.01
mon allow pool delete = true
[osd]
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = ${S3_TEST_SERVER_BYTES:-2147483648}
osd max object size = 2147483648
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $DIR/rgw
rgw enable usage log = false
# Free deleted objects within seconds, not hours: the store is small and lives in RAM.
rgw gc obj min wait = 1
rgw gc processor period = 10
rgw dns name = localhost
CONF
}

# This folder's cluster is up: the gateway answers and the monitor has this folder's fsid.
already_running() {
  [ -f "$CONF" ] && gateway_up || return 1
  local fsid; fsid=$(ceph_cli fsid) || return 1
  [ -n "$fsid" ] && [ "$fsid" = "$(our_fsid)" ]
}

start() {
  local missing; missing=$(missing_packages)
  if [ -n "$missing" ]; then
    echo "Cannot start the S3 test server: missing $missing." >&2
    echo "Install Debian's packages (apt-get install -y ceph-mon ceph-osd radosgw ceph-common curl)," >&2
    echo "or point the tests at any S3-compatible server with S3_TEST_ENDPOINT, S3_TEST_ACCESS_KEY and S3_TEST_SECRET_KEY." >&2
    exit 3
  fi
  if already_running; then echo "S3 test server already running on 127.0.0.1:$PORT"; print_settings; return 0; fi

  step="stopping the daemons of an earlier start"
  stop_daemons || fail "a daemon of an earlier start did not exit"
  rm -rf "$DIR"
  step="waiting for the ports of an earlier server to be free"
  wait_for_port_free "$MON_PORT"
  wait_for_port_free "$PORT"

  step="creating the monitor"
  mkdir -p "$DIR"/{run,log,mon,osd/ceph-0}
  local fsid; fsid=$(cat /proc/sys/kernel/random/uuid)
  write_config "$fsid"
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --add a "v1:127.0.0.1:$MON_PORT" --fsid "$fsid" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" 2>>"$DIR/log/mon-mkfs.log"

  step="starting the monitor"
  retry start_monitor

  step="registering osd.0 with the monitor"
  local osd_uuid; osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  retry ceph_cli osd new "$osd_uuid" 0 >/dev/null

  step="starting osd.0"
  retry start_osd "$osd_uuid"

  step="starting the RADOS Gateway"
  retry start_gateway

  step="creating the S3 user"
  retry create_user

  echo "S3 test server running on 127.0.0.1:$PORT (Ceph RGW, folder $DIR)"
  print_settings
}

print_settings() {
  echo "S3_TEST_ENDPOINT=http://127.0.0.1:$PORT"
  echo "S3_TEST_ACCESS_KEY=$ACCESS_KEY"
  echo "S3_TEST_SECRET_KEY=$SECRET_KEY"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if gateway_up; then exit 0; else exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
