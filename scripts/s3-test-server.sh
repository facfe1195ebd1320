#!/usr/bin/env bash
# A real S3 server for the tests: a one-node Ceph cluster (monitor, one in-memory OSD) and its RADOS
# Gateway on 127.0.0.1:7480, from Debian's packages, without systemd.
#
#   scripts/s3-test-server.sh start    start it (idempotent); prints the S3_TEST_* settings
#   scripts/s3-test-server.sh stop     stop every daemon and remove its folder
#   scripts/s3-test-server.sh status   exit 0 when the gateway answers
#
# Needs: apt-get install -y ceph-mon ceph-osd radosgw ceph-common
set -euo pipefail

DIR=${S3_TEST_SERVER_DIR:-/tmp/resume-drop-ceph}
PORT=${S3_TEST_SERVER_PORT:-7480}
MON_PORT=${S3_TEST_SERVER_MON_PORT:-6789}
ACCESS_KEY=${S3_TEST_ACCESS_KEY:-RESUMEDROPTESTKEY000}
SECRET_KEY=${S3_TEST_SECRET_KEY:-resume-drop-test-secret-key-0000000000000}
CONF="$DIR/ceph.conf"

gateway_up() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; }

missing_packages() {
  local missing=()
  for binary in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph-authtool ceph; do
    command -v "$binary" >/dev/null 2>&1 || missing+=("$binary")
  done
  echo "${missing[*]:-}"
}

stop() {
  # Every daemon writes $DIR/run/<name>.pid (mon.a, osd.0, client.rgw); the pattern catches any
  # daemon whose pid file is gone.
  local pids=()
  for pidfile in "$DIR"/run/*.pid; do
    [ -f "$pidfile" ] && pids+=("$(cat "$pidfile")")
  done
  pids+=($(pgrep -f -- "-c $CONF" || true))
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$DIR"
}

start() {
  if gateway_up; then echo "S3 test server already running on 127.0.0.1:$PORT"; print_settings; return 0; fi
  local missing; missing=$(missing_packages)
  if [ -n "$missing" ]; then
    echo "Cannot start the S3 test server: missing $missing." >&2
    echo "Install Debian's packages (apt-get install -y ceph-mon ceph-osd radosgw ceph-common)," >&2
    echo "or point the tests at any S3-compatible server with S3_TEST_ENDPOINT, S3_TEST_ACCESS_KEY and S3_TEST_SECRET_KEY." >&2
    return 3
  fi
  stop
  mkdir -p "$DIR"/{run,log,mon,osd/ceph-0}
  local fsid; fsid=$(cat /proc/sys/kernel/random/uuid)
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
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  monmaptool --create --add a "v1:127.0.0.1:$MON_PORT" --fsid "$fsid" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
  ceph-mon -c "$CONF" -i a

  local osd_uuid; osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  ceph -c "$CONF" osd new "$osd_uuid" 0 >/dev/null
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" 2>>"$DIR/log/osd-mkfs.log"
  ceph-osd -c "$CONF" -i 0 2>>"$DIR/log/osd-start.log"

  radosgw -c "$CONF" -n client.rgw
  for _ in $(seq 1 120); do gateway_up && break; sleep 0.25; done
  if ! gateway_up; then
    echo "The RADOS Gateway did not come up on 127.0.0.1:$PORT; logs in $DIR/log" >&2
    return 1
  fi
  radosgw-admin -c "$CONF" user create --uid=resume-drop --display-name="Resume Drop tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
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
  status) gateway_up ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
