#!/usr/bin/env bash
# Runs a 3-member reference etcd cluster and a 3-server Cairn cluster side by side on this machine, drives both
# with the same load generator (given all three endpoints of a cluster), in alternation, then prints each figure
# for both clusters, the ratio Cairn/etcd and the target.
#
#   benchmarks/bin/compare-etcd-cluster.sh [--quick] [--rounds N] [--keep] [--only etcd|cairn]
#
#   --quick       totals divided by 4 (a smoke run); the join figure then fills 25,000 keys instead of 100,000
#   --rounds N    repeat every throughput/latency measurement N times, alternating clusters, and report the
#                 median (default 5, or 1 with --quick)
#   --keep        keep the servers' temporary data directories
#   --only NAME   run one half only (etcd or cairn); the other's figures and the ratios read n/a
#
# Environment: ETCD (default /usr/bin/etcd), ETCDCTL (/usr/bin/etcdctl), CAIRN (default
# distribution/target/cairn/bin/cairn), ETCD_IPS ("127.0.0.51 127.0.0.52 127.0.0.53"), ETCD_JOIN_IP (127.0.0.54),
# CAIRN_IPS ("127.0.0.41 127.0.0.42 127.0.0.43"), CAIRN_JOIN_IP (127.0.0.44), CAIRN_TOKEN (the cluster token),
# STARTUP_TIMEOUT (seconds, 90), JOIN_TIMEOUT (seconds, 120), FAILOVER_REQUEST_TIMEOUT_MS (the failover writer's
# deadline per put, 500), CAIRN_JAVA_OPTS (JAVA_OPTS for every Cairn
# process; it replaces bin/cairn's defaults). JAVA_OPTS of the calling shell is ignored.
#
# Every member fsyncs before acknowledging a write. etcd serves TLS with client certificates on its client port
# and mutual TLS on its peer port, from certificates openssl makes here; Cairn makes its own. Order: the
# throughput and latency figures on both 3-member clusters; then the failover of each (a one-client writer runs,
# the leader is killed with SIGKILL; nothing is restarted, so this ends that cluster); then, on a fresh one-server
# cluster of each, filled with keys, the time for one more server to join and become a voter. Everything this
# script starts is stopped on exit. Logs and full generator output go to
# benchmarks/target/compare-etcd-cluster/<timestamp>/.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
ETCD=${ETCD:-/usr/bin/etcd}
ETCDCTL=${ETCDCTL:-/usr/bin/etcdctl}
CAIRN=${CAIRN:-$repo/distribution/target/cairn/bin/cairn}
read -r -a ETCD_IPS <<<"${ETCD_IPS:-127.0.0.51 127.0.0.52 127.0.0.53}"
ETCD_JOIN_IP=${ETCD_JOIN_IP:-127.0.0.54}
read -r -a CAIRN_IPS <<<"${CAIRN_IPS:-127.0.0.41 127.0.0.42 127.0.0.43}"
CAIRN_JOIN_IP=${CAIRN_JOIN_IP:-127.0.0.44}
CAIRN_TOKEN=${CAIRN_TOKEN:-compare-etcd-cluster-token}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-90}
JOIN_TIMEOUT=${JOIN_TIMEOUT:-120}
unset JAVA_OPTS
BENCH="$here/bin/benchmark"

scale=1
rounds=
keep=false
only=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) scale=4 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --keep) keep=true ;;
    --only) only=${2:?--only needs etcd or cairn}; shift
      case "$only" in etcd|cairn) ;; *) echo "compare-etcd-cluster: --only takes etcd or cairn, not '$only'" >&2; exit 2 ;; esac ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-etcd-cluster: unknown argument '$1' (use --quick, --rounds N, --keep, --only etcd|cairn)" >&2; exit 2 ;;
  esac
  shift
done

PUT_TOTAL=$((20000 / scale))
LAT_TOTAL=$((2000 / scale))
RANGE_TOTAL=$((20000 / scale))
WARMUP=$((4000 / scale))
# Measured on a 3-server Cairn cluster (2 cores for the three JVMs): after 40,000 puts the JIT compilers still took
# 23 % of the servers' CPU during the next 30,000; after 100,000 they took 5 %. etcd needs no warm-up, but gets the
# same requests.
WARMUP_PUTS=$((100000 / scale))
WARMUP_RANGES=$((40000 / scale))
FILL_KEYS=$((100000 / scale))
# The failover writer: each put has this deadline; the leader is killed after STEADY_SECS of acknowledged puts;
# the writer stops 2 s after it recovered, or after FAILOVER_SECS in all.
REQUEST_TIMEOUT_MS=${FAILOVER_REQUEST_TIMEOUT_MS:-500}
STEADY_SECS=3
FAILOVER_SECS=40
# Same reasoning as compare-etcd.sh: the disk's fsync latency drifts within minutes, so each figure is measured in
# short rounds that alternate the clusters, and the ratio is the median of the per-round ratios.
if [ -z "$rounds" ]; then
  if [ "$scale" -eq 1 ]; then rounds=5; else rounds=1; fi
fi

SYSTEMS="etcd cairn"
[ -z "$only" ] || SYSTEMS=$only
needed=(openssl python3 "$ETCDCTL")
case " $SYSTEMS " in *" etcd "*) needed+=("$ETCD") ;; esac
case " $SYSTEMS " in *" cairn "*) needed+=("$CAIRN") ;; esac
for tool in "${needed[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "compare-etcd-cluster: '$tool' not found (set ETCD/ETCDCTL/CAIRN or build the distribution: mvn -o -q install -pl distribution)" >&2; exit 2; }
done
[ -d "$here/target/classes" ] && [ -d "$here/target/lib" ] || {
  echo "compare-etcd-cluster: build the generator first: cd $repo && mvn -o -q package -pl benchmarks" >&2; exit 2; }

work=$(mktemp -d /tmp/cairn-compare-cluster.XXXXXX)
logs="$here/target/compare-etcd-cluster/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$logs"
# Data dirs and logs are named <phase>-<slot>: the join phase starts fresh clusters on the same addresses.
PHASE=cluster
declare -A PGID=()   # process (member or background generator) -> its process group

stop_process() {
  local name=$1 pg=${PGID[$1]:-}
  [ -n "$pg" ] || return 0
  kill -TERM -- "-$pg" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 -- "-$pg" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pg" 2>/dev/null || true
  unset "PGID[$name]"
}

cleanup() {
  for name in "${!PGID[@]}"; do stop_process "$name"; done
  if $keep; then echo "data dirs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" | tee -a "$logs/summary.txt"; }
show_cmd() { say "\$ $*"; }
fail() { echo "compare-etcd-cluster: $*" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---------------------------------------------------------------- TLS for etcd (Cairn makes its own)
# One CA; per member one certificate for both its client and its peer port (serverAuth + clientAuth, since a peer
# is client and server to the others) with the member's IP as SAN, and 127.0.0.1: a peer dials without choosing
# its source address, so the kernel connects from 127.0.0.1, and etcd rejects a peer whose certificate's IP SANs
# do not include the address it connects from. One client certificate for the generator and etcdctl.
make_etcd_certs() {
  local d=$work/etcd-tls ip
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
      -days 2 -subj /CN=compare-etcd-cluster-ca
    for ip in "${ETCD_IPS[@]}" "$ETCD_JOIN_IP"; do
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$ip.key" -out "$ip.csr" \
        -subj "/CN=etcd-$ip"
      printf 'subjectAltName=IP:%s,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' "$ip" >"$ip.ext"
      openssl x509 -req -in "$ip.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile "$ip.ext" -out "$ip.crt"
    done
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.csr \
      -subj /CN=benchmark
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt
  ) >"$logs/openssl.log" 2>&1
}

# ---------------------------------------------------------------- clusters
declare -A MEMBERS=() ENDPOINT=() TLSARGS=() IP=()   # system -> its member slots / endpoints / client TLS flags

alive() { kill -0 "${PGID[$1]}" 2>/dev/null; }

# Waits until <ip>:2379 accepts connections, failing fast when the member's process exits.
await_port() {
  local slot=$1 ip=$2 deadline=$((SECONDS + STARTUP_TIMEOUT))
  until (exec 3<>"/dev/tcp/$ip/2379") 2>/dev/null; do
    alive "$slot" || { tail -20 "$logs/$PHASE-$slot.log" >&2; fail "$slot exited during start; see $logs/$PHASE-$slot.log"; }
    [ $SECONDS -lt $deadline ] || fail "$slot does not listen on $ip:2379 after ${STARTUP_TIMEOUT}s; see $logs/$PHASE-$slot.log"
    sleep 0.2
  done
}

ctl() {
  local system=$1; shift
  # shellcheck disable=SC2086
  ETCDCTL_API=3 "$ETCDCTL" --endpoints "${ENDPOINT[$system]}" ${TLSARGS[$system]} --command-timeout 5s "$@"
}

# Voters: members with a name that are not learners (etcdctl's simple format: ID, status, name, peers, clients,
# isLearner).
voters() { ctl "$1" member list 2>>"$logs/$1-ctl.log" | awk -F', ' '$3 != "" && $6 == "false" { n++ } END { print n + 0 }'; }

# await_voters <system> <count>: until member list shows that many voters.
await_voters() {
  local system=$1 count=$2 deadline=$((SECONDS + STARTUP_TIMEOUT)) slot
  until [ "$(voters "$system")" -ge "$count" ]; do
    for slot in ${MEMBERS[$system]}; do
      alive "$slot" || { tail -20 "$logs/$PHASE-$slot.log" >&2; fail "$slot exited while $system formed its cluster; see $logs/$PHASE-$slot.log"; }
    done
    [ $SECONDS -lt $deadline ] || { ctl "$system" member list -w table >&2 || true
      fail "$system has fewer than $count voting members after ${STARTUP_TIMEOUT}s; see $logs"; }
    sleep 0.3
  done
}

# etcd_member <slot> <ip> <initial-cluster> <state>: one etcd member, TLS with client certificates on the client
# port and mutual TLS on the peer port.
etcd_member() {
  local slot=$1 ip=$2 cluster=$3 state=$4 tls=$work/etcd-tls
  local cmd=("$ETCD" --name "$slot" --data-dir "$work/$PHASE-$slot" --logger zap --log-outputs stderr
    --listen-client-urls "https://$ip:2379" --advertise-client-urls "https://$ip:2379"
    --listen-peer-urls "https://$ip:2380" --initial-advertise-peer-urls "https://$ip:2380"
    --initial-cluster "$cluster" --initial-cluster-state "$state" --initial-cluster-token compare-etcd-cluster
    --cert-file "$tls/$ip.crt" --key-file "$tls/$ip.key" --trusted-ca-file "$tls/ca.crt" --client-cert-auth
    --peer-cert-file "$tls/$ip.crt" --peer-key-file "$tls/$ip.key" --peer-trusted-ca-file "$tls/ca.crt"
    --peer-client-cert-auth)
  show_cmd "${cmd[@]}"
  setsid "${cmd[@]}" >>"$logs/$PHASE-$slot.log" 2>&1 &
  PGID[$slot]=$!
  IP[$slot]=$ip
}

etcd_tls() {
  local tls=$work/etcd-tls
  TLSARGS[etcd]="--cacert $tls/ca.crt --cert $tls/client.crt --key $tls/client.key"
}

# start_etcd_cluster <n>: e1..en on the first n ETCD_IPS (all at once: a member waits for its peers).
start_etcd_cluster() {
  local n=$1 i cluster="" slots="" endpoints=""
  for i in $(seq 1 "$n"); do
    cluster+="${cluster:+,}e$i=https://${ETCD_IPS[$((i - 1))]}:2380"
    endpoints+="${endpoints:+,}https://${ETCD_IPS[$((i - 1))]}:2379"
    slots+=" e$i"
  done
  MEMBERS[etcd]=$slots
  ENDPOINT[etcd]=$endpoints
  etcd_tls
  for i in $(seq 1 "$n"); do etcd_member "e$i" "${ETCD_IPS[$((i - 1))]}" "$cluster" new; done
  for i in $(seq 1 "$n"); do await_port "e$i" "${ETCD_IPS[$((i - 1))]}"; done
  await_voters etcd "$n"
}

# cairn_member <slot> <ip> [join-via-ip]: one Cairn server; the first founds the cluster, the others join through
# the supervisor port of an existing one.
cairn_member() {
  local slot=$1 ip=$2 via=${3:-} data=$work/$PHASE-$1
  local cmd=("$CAIRN" server)
  if [ -z "$via" ]; then cmd+=(--cluster-init); else cmd+=(--server "https://$via:6443"); fi
  cmd+=(--token "$CAIRN_TOKEN" --node-name "$slot" --node-ip "$ip" --bind-address "$ip" --data-dir "$data")
  if [ -n "${CAIRN_JAVA_OPTS:-}" ]; then
    show_cmd "JAVA_OPTS='$CAIRN_JAVA_OPTS' ${cmd[*]}"
    JAVA_OPTS="$CAIRN_JAVA_OPTS" setsid "${cmd[@]}" >>"$logs/$PHASE-$slot.log" 2>&1 &
  else
    show_cmd "${cmd[*]}"
    setsid "${cmd[@]}" >>"$logs/$PHASE-$slot.log" 2>&1 &
  fi
  PGID[$slot]=$!
  IP[$slot]=$ip
}

# Waits for a Cairn server's etcd client certificates, then its client port.
await_cairn_member() {
  local slot=$1 tls=$work/$PHASE-$1/server/tls/etcd deadline=$((SECONDS + STARTUP_TIMEOUT))
  until [ -s "$tls/server-ca.crt" ] && [ -s "$tls/client.crt" ] && [ -s "$tls/client.key" ]; do
    alive "$slot" || { tail -20 "$logs/$PHASE-$slot.log" >&2; fail "$slot exited during start; see $logs/$PHASE-$slot.log"; }
    [ $SECONDS -lt $deadline ] || fail "$slot wrote no client certificates under $tls within ${STARTUP_TIMEOUT}s; see $logs/$PHASE-$slot.log"
    sleep 0.2
  done
  await_port "$slot" "${IP[$slot]}"
}

cairn_tls() {
  local tls=$work/$PHASE-b1/server/tls/etcd
  TLSARGS[cairn]="--cacert $tls/server-ca.crt --cert $tls/client.crt --key $tls/client.key"
}

# start_cairn_cluster <n>: b1 founds the cluster; b(i) joins through b(i-1) once that one is a voter.
start_cairn_cluster() {
  local n=$1 i endpoints="" slots=""
  cairn_member b1 "${CAIRN_IPS[0]}"
  await_cairn_member b1
  cairn_tls
  MEMBERS[cairn]=" b1"
  ENDPOINT[cairn]="https://${CAIRN_IPS[0]}:2379"
  await_voters cairn 1
  for i in $(seq 2 "$n"); do
    cairn_member "b$i" "${CAIRN_IPS[$((i - 1))]}" "${CAIRN_IPS[$((i - 2))]}"
    MEMBERS[cairn]+=" b$i"
    await_cairn_member "b$i"
    await_voters cairn "$i"
  done
  for i in $(seq 1 "$n"); do endpoints+="${endpoints:+,}https://${CAIRN_IPS[$((i - 1))]}:2379"; done
  ENDPOINT[cairn]=$endpoints
}

start_cluster() { if [ "$1" = etcd ]; then start_etcd_cluster "$2"; else start_cairn_cluster "$2"; fi; }

stop_cluster() {
  local slot
  for slot in ${MEMBERS[$1]}; do stop_process "$slot"; done
}

# The process that does the work: the server itself, not a wrapper shell around it.
server_pid() {
  local pid=${PGID[$1]} comm child
  for _ in 1 2 3 4; do
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    case "$comm" in java|etcd) echo "$pid"; return ;; esac
    child=$(ps -o pid= --ppid "$pid" | head -1 | tr -d ' ')
    [ -n "$child" ] || break
    pid=$child
  done
  echo "$pid"
}

# CPU ticks of all of a cluster's members together.
cpu_ticks() {
  local slot sum=0 t
  for slot in ${MEMBERS[$1]}; do
    t=$(awk '{ print $14 + $15 }' "/proc/$(server_pid "$slot")/stat" 2>/dev/null || echo 0)
    sum=$((sum + t))
  done
  echo "$sum"
}
CLK_TCK=$(getconf CLK_TCK)

all_alive() {
  local slot
  for slot in ${MEMBERS[$1]}; do
    alive "$slot" || fail "$slot ($1) died; see $logs/$PHASE-$slot.log"
  done
}

# ---------------------------------------------------------------- generator runs
# run <system> <label> <generator args...>: prints the command and its RESULT line; sets LAST_RESULT.
run() {
  local name=$1 label=$2; shift 2
  local out="$logs/$label-$name.txt" t0 t1
  show_cmd "$BENCH --endpoints ${ENDPOINT[$name]} ${TLSARGS[$name]} $*"
  t0=$(cpu_ticks "$name")
  # shellcheck disable=SC2086
  if ! "$BENCH" --endpoints "${ENDPOINT[$name]}" ${TLSARGS[$name]} "$@" >"$out" 2>&1; then
    say "  ($name: the run reported errors or failed; see $out)"
  fi
  all_alive "$name"
  t1=$(cpu_ticks "$name")
  LAST_RESULT=$(grep '^RESULT' "$out" | tail -1 || true)
  local ok
  ok=$(field ok "$LAST_RESULT")
  say "  $name: ${LAST_RESULT:-no RESULT line: $(tail -1 "$out")}"
  LAST_CPU_US=$(awk -v t=$((t1 - t0)) -v n="${ok:-0}" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.0f", t / hz / n * 1e6 }')
  say "  $name: cluster CPU $(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }') s, ${LAST_CPU_US:-n/a} us per ok request"
}

fsync_probe() {
  local f=$work/fsync-probe n=200 secs
  secs=$(LC_ALL=C dd if=/dev/zero of="$f" bs=4k count=$n oflag=dsync 2>&1 | sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p')
  rm -f "$f"
  awk -v s="${secs:-0}" -v n=$n 'BEGIN { printf "fsync %.2f ms per 4 KiB write", s / n * 1000 }'
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

median() { awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A FIG=()   # "<figure>|<system>" -> newline-separated values

# measure <figure> <RESULT field> <label> <generator args...>: both clusters, $rounds times, alternating which
# goes first.
measure() {
  local figure=$1 key=$2 label=$3; shift 3
  local r name order
  for r in $(seq 1 "$rounds"); do
    say "  round $r: disk $(fsync_probe)"
    order=$SYSTEMS
    [ $((r % 2)) -eq 1 ] || order=$(tr ' ' '\n' <<<"$SYSTEMS" | tac | tr '\n' ' ')
    for name in $order; do
      run "$name" "$label-r$r" "${@//@R@/$r}"
      FIG["$figure|$name"]+="$(field "$key" "$LAST_RESULT")"$'\n'
      FIG["$figure-cpu|$name"]+="${LAST_CPU_US:-}"$'\n'
    done
  done
}

# ---------------------------------------------------------------- failover
# The member whose ID equals the leader field of 'endpoint status' (read from the JSON with exact integers).
leader_slot() {
  local system=$1 json ip slot
  json=$(ctl "$system" endpoint status -w json 2>>"$logs/$system-ctl.log") || return 1
  printf '%s\n' "$json" >>"$logs/failover-$system-status.json"
  ip=$(python3 -c '
import json, sys
from urllib.parse import urlparse
for e in json.loads(sys.argv[1]):
    s = e["Status"]
    if s.get("leader") and s["header"]["member_id"] == s["leader"]:
        print(urlparse(e["Endpoint"]).hostname)
        break
' "$json")
  for slot in ${MEMBERS[$system]}; do
    [ "${IP[$slot]}" = "$ip" ] && { echo "$slot"; return 0; }
  done
  return 1
}

# failover <system>: a one-client writer on all endpoints; after STEADY_SECS of acknowledged puts the leader's
# server process gets SIGKILL; the writer reports the time from the kill to the first acknowledged put sent after
# it. Nothing is restarted: the cluster is done afterwards.
failover() {
  local system=$1 out="$logs/failover-$system.txt" mark=$work/failover-$system.mark deadline leader pid killed_at
  # shellcheck disable=SC2206
  local cmd=("$BENCH" --endpoints "${ENDPOINT[$system]}" ${TLSARGS[$system]} availability --duration "$FAILOVER_SECS"
    --request-timeout "$REQUEST_TIMEOUT_MS" --mark-file "$mark" --val-size 256 --key-prefix "failover/")
  show_cmd "${cmd[*]} &"
  setsid "${cmd[@]}" >"$out" 2>&1 &
  PGID[writer-$system]=$!
  deadline=$((SECONDS + STARTUP_TIMEOUT))
  until grep -qs '^availability: first put acknowledged' "$out"; do
    alive "writer-$system" || fail "the failover writer exited before its first put; see $out"
    [ $SECONDS -lt $deadline ] || fail "no put acknowledged by $system within ${STARTUP_TIMEOUT}s; see $out"
    sleep 0.1
  done
  sleep "$STEADY_SECS"   # the steady writes before the kill, which the brief asks for; not a wait for a condition
  leader=$(leader_slot "$system") || fail "$system reports no leader; see $logs/failover-$system-status.json"
  pid=$(server_pid "$leader")
  disown -a   # no "Killed" job report for the member
  # The mark is taken by a builtin right before the kill, microseconds apart: a put sent after the mark cannot
  # reach a leader that is still alive. The writer reads the file only after the kill.
  killed_at=$EPOCHREALTIME
  kill -KILL "$pid"
  killed_at=${killed_at/,/.}   # a locale may print a decimal comma
  printf '%s%s\n' "${killed_at%.*}" "$(printf '%-9s' "${killed_at#*.}" | tr ' ' 0)" >"$mark.tmp"
  mv "$mark.tmp" "$mark"
  say "  $system: killed the leader $leader (${IP[$leader]}, pid $pid) with SIGKILL"
  deadline=$((SECONDS + FAILOVER_SECS + 30))
  while alive "writer-$system"; do
    [ $SECONDS -lt $deadline ] || { stop_process "writer-$system"; fail "the failover writer did not finish; see $out"; }
    sleep 0.2
  done
  unset "PGID[writer-$system]"
  LAST_RESULT=$(grep '^RESULT' "$out" | tail -1 || true)
  say "  $system: ${LAST_RESULT:-no RESULT line: $(tail -1 "$out")}"
  FIG["failover|$system"]=$(field recovery_ms "$LAST_RESULT")
  stop_cluster "$system"
}

# ---------------------------------------------------------------- join
# etcd: member add --learner, start the member with --initial-cluster-state existing, then member promote retried
# until etcd accepts it (it refuses while the learner lags). Timed from the member add.
join_etcd() {
  local t0 t1 out id cluster deadline
  t0=$(now_ms)
  show_cmd "etcdctl member add e4 --learner --peer-urls https://$ETCD_JOIN_IP:2380"
  out=$(ctl etcd member add e4 --learner --peer-urls "https://$ETCD_JOIN_IP:2380") || fail "etcdctl member add failed: $out"
  printf '%s\n' "$out" >>"$logs/join-etcd.txt"
  id=$(sed -n 's/^Member  *\([0-9a-f]*\) added.*/\1/p' <<<"$out")   # etcdctl pads the hex ID to 16 characters with spaces
  cluster=$(sed -n 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/p' <<<"$out")
  [ -n "$id" ] && [ -n "$cluster" ] || fail "cannot read the member ID or initial cluster from: $out"
  etcd_member e4 "$ETCD_JOIN_IP" "$cluster" existing
  MEMBERS[etcd]+=" e4"
  deadline=$((SECONDS + JOIN_TIMEOUT))
  until ctl etcd member promote "$id" >>"$logs/join-etcd.txt" 2>&1; do
    alive e4 || fail "e4 exited while joining; see $logs/$PHASE-e4.log"
    [ $SECONDS -lt $deadline ] || fail "etcd did not promote e4 within ${JOIN_TIMEOUT}s; see $logs/join-etcd.txt"
    sleep 0.1
  done
  t1=$(now_ms)
  say "  etcd: e4 is a voter $((t1 - t0)) ms after member add"
  FIG["join|etcd"]=$(awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.2f", ms / 1000 }')
}

# Cairn: start the server with --server and the token; the cluster adds it as a learner and promotes it once it
# caught up. Cairn names a member <node-name>-<suffix>, as K3s does. Timed from the start of its process until member list shows it as a voter.
join_cairn() {
  local t0 t1 deadline state added="" learner=""
  t0=$(now_ms)
  cairn_member b4 "$CAIRN_JOIN_IP" "${CAIRN_IPS[0]}"
  MEMBERS[cairn]+=" b4"
  deadline=$((SECONDS + JOIN_TIMEOUT))
  while :; do
    # b4's isLearner column, or nothing while it is not a member; the first sightings time the join's stages.
    state=$(ctl cairn member list 2>>"$logs/cairn-ctl.log" | awk -F', ' '$3 == "b4" || index($3, "b4-") == 1 { print $6 }' || true)
    [ -z "$state" ] || [ -n "$added" ] || added=$(($(now_ms) - t0))
    [ "$state" != true ] || [ -n "$learner" ] || learner=$(($(now_ms) - t0))
    [ "$state" != false ] || break
    alive b4 || { tail -20 "$logs/$PHASE-b4.log" >&2; fail "b4 exited while joining; see $logs/$PHASE-b4.log"; }
    [ $SECONDS -lt $deadline ] || fail "b4 is not a voter of the Cairn cluster after ${JOIN_TIMEOUT}s; see $logs/$PHASE-b4.log"
    sleep 0.1
  done
  t1=$(now_ms)
  ctl cairn member list >>"$logs/join-cairn.txt" 2>&1 || true
  # A voter that then fails to start serving is no join: wait (untimed) for its Kubernetes API, or for its exit.
  until grep -q '^Cairn Kubernetes API ready' "$logs/$PHASE-b4.log"; do
    alive b4 || { tail -20 "$logs/$PHASE-b4.log" >&2; fail "b4 exited after it became a voter; see $logs/$PHASE-b4.log"; }
    [ $SECONDS -lt $deadline ] || fail "b4 became a voter but did not serve its Kubernetes API within ${JOIN_TIMEOUT}s; see $logs/$PHASE-b4.log"
    sleep 0.1
  done
  say "  cairn: b4 is a voter $((t1 - t0)) ms after its process started (listed as a member after ${added} ms, as a learner after ${learner:-n/a} ms)"
  FIG["join|cairn"]=$(awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.2f", ms / 1000 }')
}

# join <system>: a fresh one-server cluster, filled with FILL_KEYS keys, then one more server joins it.
join() {
  local system=$1
  start_cluster "$system" 1
  run "$system" "join-fill" --conns 8 --clients 64 --total "$FILL_KEYS" fill --val-size 256
  if [ "$system" = etcd ]; then join_etcd; else join_cairn; fi
  stop_cluster "$system"
}

# ---------------------------------------------------------------- the comparison
say "compare-etcd-cluster: $(date -Is) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), data in $work ($(df -T "$work" | awk 'NR == 2 { print $2 }')), logs in $logs"
say "etcd: $("$ETCD" --version | head -1) on ${ETCD_IPS[*]}; cairn: $CAIRN on ${CAIRN_IPS[*]}; rounds=$rounds scale=1/$scale; systems: $SYSTEMS"
say "disk: $(fsync_probe)"
make_etcd_certs
for system in $SYSTEMS; do
  say "== starting the 3-member $system cluster"
  start_cluster "$system" 3
  ctl "$system" member list -w table 2>&1 | tee -a "$logs/summary.txt"
done

say ""
say "== warm-up (not measured): $WARMUP_PUTS puts and $WARMUP_RANGES ranges per cluster, so that Cairn's JIT has compiled both paths"
for name in $SYSTEMS; do
  run "$name" range-key --conns 1 --clients 1 --total 1 put --key-prefix range-key --key-size 0 --val-size 256
  run "$name" warmup-put --conns 8 --clients 64 --total $WARMUP_PUTS put --val-size 256 --sequential-keys \
    --key-space-size $WARMUP_PUTS --key-prefix warm/
  run "$name" warmup-range --conns 8 --clients 64 --total $WARMUP_RANGES range range-key
done

say ""
say "== put throughput, 64 clients, 8 connections over the 3 endpoints, 256-byte values, distinct keys"
measure put64 rps put64 --conns 8 --clients 64 --total "$PUT_TOTAL" --warmup "$WARMUP" put --val-size 256 \
  --sequential-keys --key-space-size "$PUT_TOTAL" --key-prefix p64-@R@/
say ""
say "== put throughput, 256 clients, 16 connections over the 3 endpoints, 256-byte values, distinct keys"
measure put256 rps put256 --conns 16 --clients 256 --total "$PUT_TOTAL" --warmup "$WARMUP" put --val-size 256 \
  --sequential-keys --key-space-size "$PUT_TOTAL" --key-prefix p256-@R@/
say ""
say "== put latency, 1 client, 1 connection (to the first endpoint), 256-byte values, distinct keys"
measure put1 p50_ms put1 --conns 1 --clients 1 --total "$LAT_TOTAL" --warmup $((LAT_TOTAL / 4)) put --val-size 256 \
  --sequential-keys --key-space-size "$LAT_TOTAL" --key-prefix p1-@R@/
say ""
say "== linearizable range throughput, 64 clients, 8 connections over the 3 endpoints, one existing key"
measure range64 rps range64 --conns 8 --clients 64 --total "$RANGE_TOTAL" --warmup "$WARMUP" range range-key \
  --consistency l

say ""
say "== failover: one writer (${REQUEST_TIMEOUT_MS} ms deadline per put, retried at once on the next endpoint), SIGKILL to the leader after ${STEADY_SECS} s of steady writes"
for system in $SYSTEMS; do failover "$system"; done

say ""
PHASE=join
say "== join: a fresh one-server cluster, filled with $FILL_KEYS keys (256-byte values), then one more server joins"
for system in $SYSTEMS; do join "$system"; done

# ---------------------------------------------------------------- table
say ""
say "== Cairn vs etcd, 3-member clusters (same machine, same generator; figures: median of $rounds round(s); ratio: median of the per-round cairn/etcd ratios)"
# row <label> <figure> <unit> <higher|lower> <target ratio, or "" for an absolute target> [absolute target]
row() {
  local label=$1 figure=$2 unit=$3 better=$4 target=$5 limit=${6:-}
  local e c ratio verdict cmp=">=" shown
  [ "$better" = higher ] || cmp="<="
  e=$(printf '%s' "${FIG[$figure|etcd]:-}" | median)
  c=$(printf '%s' "${FIG[$figure|cairn]:-}" | median)
  ratio=$(paste <(printf '%s' "${FIG[$figure|cairn]:-}") <(printf '%s' "${FIG[$figure|etcd]:-}") |
    awk -F'\t' '$1 ~ /^[0-9.]+$/ && $2 + 0 > 0 { print $1 / $2 }' | median | awk '$1 == "nan" { print "n/a"; next } { printf "%.2f", $1 }')
  if [ -n "$limit" ]; then
    # An absolute target on Cairn's own figure ("none": no put was acknowledged after the kill).
    verdict=$(awk -v c="$c" -v l="$limit" 'BEGIN { if (c == "nan") print "n/a"; else if (c == "none") print "MISS"; else print (c + 0 <= l ? "ok" : "MISS") }')
    shown="cairn<=$limit"
  else
    verdict=$(awk -v r="$ratio" -v t="$target" -v b="$better" 'BEGIN {
      if (r == "n/a") print "n/a"; else if (b == "higher") print (r >= t ? "ok" : "MISS"); else print (r <= t ? "ok" : "MISS") }')
    shown="$cmp${target}x"
  fi
  local ecpu ccpu
  ecpu=$(printf '%s' "${FIG[$figure-cpu|etcd]:-}" | median)
  ccpu=$(printf '%s' "${FIG[$figure-cpu|cairn]:-}" | median)
  [ "$ecpu$ccpu" != nannan ] || ecpu=- ccpu=-
  [ "$ratio" = n/a ] || ratio="${ratio}x"
  say "$(printf '%-48s %10s %10s %10s %12s %6s %14s' "$label ($unit)" "$e" "$c" "$ratio" "$shown" "$verdict" "$ecpu / $ccpu")"
}
say "$(printf '%-48s %10s %10s %10s %12s %6s %14s' figure etcd cairn cairn/etcd target result 'CPU us/req e/c')"
row "put throughput, 64 clients" put64 "req/s" higher 1.0
row "put throughput, 256 clients" put256 "req/s" higher 1.0
row "put latency p50, 1 client" put1 "ms" lower 1.2
row "linearizable range throughput, 64 clients" range64 "req/s" higher 1.0
row "failover: leader SIGKILL to next acked put" failover "ms" lower "" 1000
row "join of a 2nd server after $FILL_KEYS keys, to voter" join "s" lower "" 10
say "(CPU us/req: CPU time of all the cluster's members per successful request, etcd / cairn, median over the rounds.)"
say "(failover: from the SIGKILL to the acknowledgement of the first put sent after it; 'none': no put was acknowledged within ${FAILOVER_SECS} s.)"
say "(join: etcd from 'member add --learner' to the successful 'member promote'; Cairn from the start of the joining server's process to member list showing it as a voter.)"
say ""
say "full output: $logs"
