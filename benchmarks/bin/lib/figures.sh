# Shared by the *-figures.sh scripts: Cairn server processes in their own process groups, a benchmark client, and
# a one-client writer that reports the longest gap between acknowledged puts. The sourcing script sets root,
# CAIRN, BENCH, work, keep, WRITE_SECS and a name for its messages (FIGURES); every wait is bounded.
declare -A PGID=()

stop_process() {
  local pg=${PGID[$1]:-}
  [ -n "$pg" ] || return 0
  kill -TERM -- "-$pg" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 -- "-$pg" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pg" 2>/dev/null || true
  unset "PGID[$1]"
}
cleanup() {
  for name in "${!PGID[@]}"; do stop_process "$name"; done
  if $keep; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "$FIGURES: $*" >&2; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
say() { printf '%s\n' "$*" | tee -a "$work/summary.txt"; }

# await_serving <name> <ip>: the server printed its ready line (bounded by 120 s)
await_serving() {
  local deadline=$((SECONDS + 120))
  until grep -q "Cairn etcd API ready" "$work/$1.log"; do
    kill -0 "${PGID[$1]}" 2>/dev/null || { tail -20 "$work/$1.log" >&2; fail "$1 exited; see $work/$1.log"; }
    [ $SECONDS -lt $deadline ] || fail "$1 not ready after 120 s; see $work/$1.log"
    sleep 0.1
  done
}

start_server() {
  local name=$1 ip=$2
  shift 2
  setsid "$CAIRN" server --node-name "$name" --node-ip "$ip" --bind-address "$ip" --data-dir "$work/$name" \
    --disable-apiserver --etcd-disable-snapshots "$@" >>"$work/$name.log" 2>&1 &
  PGID[$name]=$!
  await_serving "$name"
}

bench() {
  local ip=$1 tls=$work/$2/server/tls/etcd
  shift 2
  "$BENCH" --endpoints "https://$ip:2379" --cacert "$tls/server-ca.crt" --cert "$tls/client.crt" \
    --key "$tls/client.key" "$@"
}

# writer <out> [ip] [server name]: a one-client writer for WRITE_SECS (default: s1 on IP1); returns once its
# first put is acknowledged
writer() {
  local ip=${2:-$IP1} tls=$work/${3:-s1}/server/tls/etcd
  setsid "$BENCH" --endpoints "https://$ip:2379" --cacert "$tls/server-ca.crt" --cert "$tls/client.crt" \
    --key "$tls/client.key" availability --duration "$WRITE_SECS" --val-size 256 --key-prefix stall/ >"$1" 2>&1 &
  PGID[writer]=$!
  local deadline=$((SECONDS + 60))
  until grep -q '^availability: first put acknowledged' "$1"; do
    [ $SECONDS -lt $deadline ] || fail "the writer acknowledged no put; see $1"
    sleep 0.1
  done
}

await_writer() {
  local deadline=$((SECONDS + WRITE_SECS + 60))
  while kill -0 "${PGID[writer]}" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "the writer did not finish"
    sleep 0.2
  done
  unset "PGID[writer]"
  sed -n 's/.* max_gap_ms=\([^ ]*\).*/\1/p' "$1" | tail -1
}

