#!/usr/bin/env bash
# Runs the reference etcd and Cairn side by side on this machine and drives both with the same load generator,
# in alternation, then prints each figure for both servers and the ratio Cairn/etcd.
#
#   benchmarks/bin/compare-etcd.sh [--quick] [--rounds N] [--keep]
#
#   --quick     totals divided by 4 (a smoke run of about 2 minutes); the memory figure then fills 25,000 keys
#   --rounds N  repeat every throughput/latency measurement N times, alternating servers, and report the median
#               (default 5, or 1 with --quick)
#   --keep      keep the servers' temporary data directories
#   --calibrate run a second etcd in Cairn's place (an A/A run): the ratios it prints show how much this
#               machine's noise alone moves them
#
# Environment: ETCD (default /usr/bin/etcd), CAIRN (default distribution/target/cairn/bin/cairn),
# ETCD_IP (127.0.0.41), CAIRN_IP (127.0.0.42), STARTUP_TIMEOUT (seconds, 90), CAIRN_JAVA_OPTS (JAVA_OPTS for
# the Cairn process; it replaces bin/cairn's defaults, so repeat them, e.g. for a JFR recording:
# CAIRN_JAVA_OPTS="-Xms32m -Xmx512m -XX:+UseSerialGC -XX:StartFlightRecording=filename=/tmp/cairn-@RUN@.jfr,settings=profile").
# @RUN@ becomes 1 for the server of the throughput figures and 2 for the fresh one of the memory figure.
# JAVA_OPTS of the calling shell is ignored, so neither server nor generator picks it up by accident.
#
# Both servers fsync before acknowledging a write (etcd's default WAL fsync; Cairn fsyncs every commit), serve
# TLS with client certificates on port 2379 of their own loopback address, and start from empty temporary data
# directories. Everything this script starts is stopped on exit. Logs and full generator output go to
# benchmarks/target/compare-etcd/<timestamp>/.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$here/.." && pwd)
ETCD=${ETCD:-/usr/bin/etcd}
CAIRN=${CAIRN:-$repo/distribution/target/cairn/bin/cairn}
ETCD_IP=${ETCD_IP:-127.0.0.41}
CAIRN_IP=${CAIRN_IP:-127.0.0.42}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-90}
unset JAVA_OPTS
BENCH="$here/bin/benchmark"

scale=1
rounds=
keep=false
calibrate=false
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) scale=4 ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift ;;
    --keep) keep=true ;;
    --calibrate) calibrate=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare-etcd: unknown argument '$1' (use --quick, --rounds N, --keep, --calibrate)" >&2; exit 2 ;;
  esac
  shift
done

PUT_TOTAL=$((20000 / scale))
LAT_TOTAL=$((2000 / scale))
RANGE_TOTAL=$((20000 / scale))
WARMUP=$((4000 / scale))
FILL_KEYS=$((100000 / scale))
# On a shared machine the disk's fsync latency drifts several-fold within minutes (dd oflag=dsync: 0.6 to 4 ms
# per 4 KiB write in consecutive runs), and fsync bounds every write figure. So each figure is measured in
# several short rounds, alternating the servers, and the ratio is the median of the per-round ratios: the two
# runs of one round are seconds apart and see about the same disk.
if [ -z "$rounds" ]; then
  if [ "$scale" -eq 1 ]; then rounds=5; else rounds=1; fi
fi

$calibrate && CAIRN=$ETCD
for tool in "$ETCD" "$CAIRN" openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "compare-etcd: '$tool' not found (set ETCD/CAIRN or build the distribution: mvn -o -q install -pl distribution)" >&2; exit 2; }
done
[ -d "$here/target/classes" ] && [ -d "$here/target/lib" ] || {
  echo "compare-etcd: build the generator first: cd $repo && mvn -o -q package -pl benchmarks" >&2; exit 2; }

work=$(mktemp -d /tmp/cairn-compare.XXXXXX)
logs="$here/target/compare-etcd/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$logs"
declare -A PGID=()   # server -> process group of everything it started

stop_server() {
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
  for name in "${!PGID[@]}"; do stop_server "$name"; done
  if $keep; then echo "data dirs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" | tee -a "$logs/summary.txt"; }
show_cmd() { say "\$ $*"; }

# ---------------------------------------------------------------- TLS for etcd (Cairn makes its own)
make_etcd_certs() {
  local d=$work/etcd-tls
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
      -days 2 -subj /CN=compare-etcd-ca
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
      -subj /CN=etcd
    printf 'subjectAltName=IP:%s,IP:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$ETCD_IP" "$CAIRN_IP" >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.csr \
      -subj /CN=benchmark
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt
  ) >"$logs/openssl.log" 2>&1
}

# ---------------------------------------------------------------- servers
declare -A DATA=() TLSARGS=() ENDPOINT=()

start_etcd() {
  start_etcd_as etcd "$ETCD_IP" "$1"
}

# start_etcd_as <slot> <ip> <start number>: an etcd serving the slot (etcd, or cairn with --calibrate).
start_etcd_as() {
  local slot=$1 ip=$2 data=$work/$1-data-$3 tls=$work/etcd-tls
  DATA[$slot]=$data
  ENDPOINT[$slot]="https://$ip:2379"
  TLSARGS[$slot]="--cacert $tls/ca.crt --cert $tls/client.crt --key $tls/client.key"
  local cmd=("$ETCD" --name compare --data-dir "$data" --logger zap --log-outputs stderr
    --listen-client-urls "https://$ip:2379" --advertise-client-urls "https://$ip:2379"
    --listen-peer-urls "http://$ip:2380" --initial-advertise-peer-urls "http://$ip:2380"
    --initial-cluster "compare=http://$ip:2380"
    --cert-file "$tls/server.crt" --key-file "$tls/server.key" --trusted-ca-file "$tls/ca.crt" --client-cert-auth)
  show_cmd "${cmd[@]}"
  setsid "${cmd[@]}" >>"$logs/$slot.log" 2>&1 &
  PGID[$slot]=$!
  await_ready "$slot" "$ip"
}

start_cairn() {
  if $calibrate; then
    start_etcd_as cairn "$CAIRN_IP" "$1"
    return
  fi
  local data=$work/cairn-data-$1
  DATA[cairn]=$data
  ENDPOINT[cairn]="https://$CAIRN_IP:2379"
  local tls=$data/server/tls/etcd
  TLSARGS[cairn]="--cacert $tls/server-ca.crt --cert $tls/client.crt --key $tls/client.key"
  local cmd=("$CAIRN" server --data-dir "$data" --bind-address "$CAIRN_IP" --node-ip "$CAIRN_IP")
  if [ -n "${CAIRN_JAVA_OPTS:-}" ]; then
    local opts=${CAIRN_JAVA_OPTS//@RUN@/$1}
    show_cmd "JAVA_OPTS='$opts' ${cmd[*]}"
    JAVA_OPTS="$opts" setsid "${cmd[@]}" >>"$logs/cairn.log" 2>&1 &
  else
    show_cmd "${cmd[*]}"
    setsid "${cmd[@]}" >>"$logs/cairn.log" 2>&1 &
  fi
  PGID[cairn]=$!
  local deadline=$((SECONDS + STARTUP_TIMEOUT))
  until [ -s "$tls/server-ca.crt" ] && [ -s "$tls/client.crt" ] && [ -s "$tls/client.key" ]; do
    alive cairn || { echo "compare-etcd: cairn exited during start; see $logs/cairn.log" >&2; tail -20 "$logs/cairn.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "compare-etcd: cairn wrote no client certificates under $tls within ${STARTUP_TIMEOUT}s; see $logs/cairn.log" >&2; exit 1; }
    sleep 0.2
  done
  await_ready cairn "$CAIRN_IP"
}

alive() { kill -0 "${PGID[$1]}" 2>/dev/null; }

# Waits until the client port accepts connections and one TLS Range succeeds.
await_ready() {
  local name=$1 ip=$2 deadline=$((SECONDS + STARTUP_TIMEOUT))
  until (exec 3<>"/dev/tcp/$ip/2379") 2>/dev/null; do
    alive "$name" || { echo "compare-etcd: $name exited during start; see $logs/$name.log" >&2; tail -20 "$logs/$name.log" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "compare-etcd: $name does not listen on $ip:2379 after ${STARTUP_TIMEOUT}s; see $logs/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  until bench_quiet "$name" --total 1 range benchmark-probe; do
    [ $SECONDS -lt $deadline ] || { echo "compare-etcd: $name does not answer a TLS Range after ${STARTUP_TIMEOUT}s; see $logs/$name.log" >&2; exit 1; }
    sleep 0.5
  done
}

# The process that holds the memory: the server itself, not a wrapper shell around it.
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

rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$(server_pid "$1")/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$(server_pid "$1")/stat"; }
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- generator runs
bench_quiet() {
  local name=$1; shift
  # shellcheck disable=SC2086
  "$BENCH" --endpoints "${ENDPOINT[$name]}" ${TLSARGS[$name]} "$@" >>"$logs/$name-probe.log" 2>&1
}

# run <server> <label> <generator args...>: prints the command and its RESULT line; sets LAST_RESULT.
run() {
  local name=$1 label=$2; shift 2
  local out="$logs/$label-$name.txt" t0 t1
  show_cmd "$BENCH --endpoints ${ENDPOINT[$name]} ${TLSARGS[$name]} $*"
  t0=$(cpu_ticks "$name")
  # shellcheck disable=SC2086
  if ! "$BENCH" --endpoints "${ENDPOINT[$name]}" ${TLSARGS[$name]} "$@" >"$out" 2>&1; then
    say "  ($name: the run reported errors or failed; see $out)"
  fi
  alive "$name" || { echo "compare-etcd: $name died during the '$label' run; see $logs/$name.log" >&2; exit 1; }
  t1=$(cpu_ticks "$name")
  LAST_RESULT=$(grep '^RESULT' "$out" | tail -1 || true)
  local ok
  ok=$(field ok "$LAST_RESULT")
  say "  $name: ${LAST_RESULT:-no RESULT line: $(tail -1 "$out")}"
  LAST_CPU_US=$(awk -v t=$((t1 - t0)) -v n="${ok:-0}" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.0f", t / hz / n * 1e6 }')
  say "  $name: server CPU $(awk -v t=$((t1 - t0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }') s, ${LAST_CPU_US:-n/a} us per ok request"
}

# The disk both servers write to, for context: mean latency of a 4 KiB write + fsync (dd oflag=dsync).
fsync_probe() {
  local f=$work/fsync-probe n=200 secs
  secs=$(LC_ALL=C dd if=/dev/zero of="$f" bs=4k count=$n oflag=dsync 2>&1 | sed -n 's/.* copied, \([0-9.]*\) s.*/\1/p')
  rm -f "$f"
  awk -v s="${secs:-0}" -v n=$n 'BEGIN { printf "fsync %.2f ms per 4 KiB write", s / n * 1000 }'
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

median() { awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A FIG=()   # "<figure>|<server>" -> newline-separated values

# measure <figure> <RESULT field> <label> <generator args...>: runs on both servers, $rounds times; the server
# that goes first alternates from round to round so that neither always follows the other's load.
measure() {
  local figure=$1 key=$2 label=$3; shift 3
  local r name order
  for r in $(seq 1 "$rounds"); do
    say "  round $r: disk $(fsync_probe)"
    order="etcd cairn"
    [ $((r % 2)) -eq 1 ] || order="cairn etcd"
    for name in $order; do
      run "$name" "$label-r$r" "${@//@R@/$r}"
      FIG["$figure|$name"]+="$(field "$key" "$LAST_RESULT")"$'\n'
      FIG["$figure-cpu|$name"]+="${LAST_CPU_US:-}"$'\n'
    done
  done
}

# ---------------------------------------------------------------- the comparison
say "compare-etcd: $(date -Is) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), data in $work ($(df -T "$work" | awk 'NR == 2 { print $2 }')), logs in $logs"
say "etcd: $("$ETCD" --version | head -1); cairn: $CAIRN; rounds=$rounds scale=1/$scale"
$calibrate && say "CALIBRATION (A/A): the 'cairn' column is a second etcd on $CAIRN_IP; every ratio should be 1.0"
say "disk: $(fsync_probe)"
make_etcd_certs
start_etcd 1
start_cairn 1
say "idle RSS after start: etcd $(rss_mib etcd) MiB, cairn $(rss_mib cairn) MiB"

say ""
# Measured on Cairn: after 8,000 puts the C2 compiler still took 40% of the server's CPU during the next
# 20,000; after 28,000 it was quiet. etcd needs no warm-up, but gets the same requests.
say "== warm-up (not measured): $((WARMUP * 4)) puts and $((WARMUP * 2)) ranges per server, so that Cairn's JIT has compiled both paths"
for name in etcd cairn; do
  # The key the range figure reads, written once: a Range of it is what the warm-up and the figure send.
  run "$name" range-key --conns 1 --clients 1 --total 1 put --key-prefix range-key --key-size 0 --val-size 256
  run "$name" warmup-put --conns 8 --clients 64 --total $((WARMUP * 4)) put --val-size 256 --sequential-keys \
    --key-space-size $((WARMUP * 4)) --key-prefix warm/
  run "$name" warmup-range --conns 8 --clients 64 --total $((WARMUP * 2)) range range-key
done

say ""
say "== put throughput, 64 clients, 8 connections, 256-byte values, distinct keys"
measure put64 rps put64 --conns 8 --clients 64 --total "$PUT_TOTAL" --warmup "$WARMUP" put --val-size 256 \
  --sequential-keys --key-space-size "$PUT_TOTAL" --key-prefix p64-@R@/
say ""
say "== put throughput, 256 clients, 16 connections, 256-byte values, distinct keys"
measure put256 rps put256 --conns 16 --clients 256 --total "$PUT_TOTAL" --warmup "$WARMUP" put --val-size 256 \
  --sequential-keys --key-space-size "$PUT_TOTAL" --key-prefix p256-@R@/
say ""
say "== put latency, 1 client, 1 connection, 256-byte values, distinct keys"
measure put1 p50_ms put1 --conns 1 --clients 1 --total "$LAT_TOTAL" --warmup $((LAT_TOTAL / 4)) put --val-size 256 \
  --sequential-keys --key-space-size "$LAT_TOTAL" --key-prefix p1-@R@/
say ""
say "== linearizable range throughput, 64 clients, 8 connections, one existing key (256-byte value)"
measure range64 rps range64 --conns 8 --clients 64 --total "$RANGE_TOTAL" --warmup "$WARMUP" range range-key \
  --consistency l

say ""
say "== memory: fresh servers, then fill $FILL_KEYS keys (256-byte values), then VmRSS of each server process"
stop_server etcd
stop_server cairn
start_etcd 2
start_cairn 2
declare -A IDLE=()
for name in etcd cairn; do IDLE[$name]=$(rss_mib "$name"); done
say "idle RSS after start: etcd ${IDLE[etcd]} MiB, cairn ${IDLE[cairn]} MiB"
for name in etcd cairn; do
  run "$name" fill --conns 8 --clients 64 --total "$FILL_KEYS" fill --val-size 256
  FIG["rss|$name"]=$(rss_mib "$name")
  FIG["rss-cpu|$name"]=${LAST_CPU_US:-}
  say "  $name: VmRSS after fill $(rss_mib "$name") MiB (idle before fill ${IDLE[$name]} MiB)"
done

# ---------------------------------------------------------------- table
say ""
say "== Cairn vs etcd (same machine, same generator; figures: median of $rounds round(s); ratio: median of the per-round cairn/etcd ratios)"
row() {
  local label=$1 figure=$2 unit=$3 better=$4 target=$5
  local e c ratio verdict
  e=$(printf '%s' "${FIG[$figure|etcd]:-}" | median)
  c=$(printf '%s' "${FIG[$figure|cairn]:-}" | median)
  # Median of the per-round ratios (rounds pair runs made seconds apart), not the ratio of the medians.
  ratio=$(paste <(printf '%s' "${FIG[$figure|cairn]:-}") <(printf '%s' "${FIG[$figure|etcd]:-}") |
    awk -F'\t' '$1 != "" && $2 + 0 > 0 { print $1 / $2 }' | median | awk '$1 == "nan" { print "n/a"; next } { printf "%.2f", $1 }')
  verdict=$(awk -v r="$ratio" -v t="$target" -v b="$better" 'BEGIN {
    if (r == "n/a") print "n/a"; else if (b == "higher") print (r >= t ? "ok" : "MISS"); else print (r <= t ? "ok" : "MISS") }')
  local cmp=">="; [ "$better" = higher ] || cmp="<="
  local ecpu ccpu
  ecpu=$(printf '%s' "${FIG[$figure-cpu|etcd]:-}" | median)
  ccpu=$(printf '%s' "${FIG[$figure-cpu|cairn]:-}" | median)
  say "$(printf '%-48s %10s %10s %10s %8s %6s %14s' "$label ($unit)" "$e" "$c" "${ratio}x" "$cmp${target}x" "$verdict" "$ecpu / $ccpu")"
}
say "$(printf '%-48s %10s %10s %10s %8s %6s %14s' figure etcd cairn cairn/etcd target result 'CPU us/req e/c')"
row "put throughput, 64 clients" put64 "req/s" higher 1.0
row "put throughput, 256 clients" put256 "req/s" higher 1.0
row "put latency p50, 1 client" put1 "ms" lower 1.2
row "linearizable range throughput, 64 clients" range64 "req/s" higher 1.0
row "RSS after fill of $FILL_KEYS keys" rss "MiB" lower 2.0
say "(CPU us/req: server CPU time per successful request, etcd / cairn, median over the rounds; for RSS, of the fill.)"
say ""
say "full output: $logs"
