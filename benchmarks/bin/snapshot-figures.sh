#!/usr/bin/env bash
# Snapshot figures of an embedded-etcd Cairn server: how long `cairn etcd-snapshot save` of KEYS keys (256-byte
# values) takes, how long writes stall meanwhile (the longest gap between acknowledged puts of a one-client
# writer, against the same writer's longest gap without a snapshot), and how long `cairn server --cluster-reset
# --cluster-reset-restore-path` of that snapshot takes on a fresh data dir, and until the restored server serves.
#
#   benchmarks/bin/snapshot-figures.sh [--keys N] [--keep]
#
# Needs a built tree (mvn -DskipTests install). Servers bind 127.0.0.85 and 127.0.0.86 only; every wait is bounded.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CAIRN=$root/distribution/target/cairn/bin/cairn
BENCH=$root/benchmarks/bin/benchmark
KEYS=100000
keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    *) echo "usage: $0 [--keys N] [--keep]" >&2; exit 2 ;;
  esac
done
IP1=127.0.0.85
IP2=127.0.0.86
WRITE_SECS=12
work=$(mktemp -d /tmp/cairn-snapshot-figures.XXXXXX)
FIGURES=snapshot-figures
# shellcheck source=lib/figures.sh
. "$root/benchmarks/bin/lib/figures.sh"

[ -x "$CAIRN" ] || fail "no distribution at $CAIRN; build with: mvn -DskipTests install"
say "== snapshot figures: $KEYS keys of 256 bytes, $(date -u +%FT%TZ), work dir $work"
start_server s1 "$IP1" --cluster-init --token snapshot-figures
bench "$IP1" s1 --conns 8 --clients 64 --total "$KEYS" fill --val-size 256 >"$work/fill.txt" 2>&1 \
  || fail "fill failed; see $work/fill.txt"
say "filled: $(grep '^RESULT' "$work/fill.txt" | tail -1)"

writer "$work/baseline.txt"
baseline_gap=$(await_writer "$work/baseline.txt")
say "writer alone for ${WRITE_SECS}s: longest gap between acknowledged puts ${baseline_gap} ms"

start=$(now_ms)
"$CAIRN" etcd-snapshot save --data-dir "$work/s1" --name figures >"$work/save.txt" 2>&1 \
  || fail "save failed: $(cat "$work/save.txt")"
save_ms=$(($(now_ms) - start))
say "save with the CLI (its JVM start included): ${save_ms} ms ($(cat "$work/save.txt"))"
say "  server side: $(grep -o 'event=snapshot_saved name=figures.*' "$work/s1.log" | tail -1)"

# the stall: the same save asked of the supervisor API by curl, so that no CLI JVM competes for the CPU
password=$(sed 's/.*:server://' "$work/s1/server/token")
writer "$work/during.txt"
curl -sS --fail --cacert "$work/s1/server/tls/server-ca.crt" -u "server:$password" -X POST \
  -d '{"operation":"save","name":"stall"}' "https://$IP1:6443/db/snapshot" >"$work/save-curl.txt" \
  || fail "save through the API failed: $(cat "$work/save-curl.txt")"
during_gap=$(await_writer "$work/during.txt")
say "writer during a save asked through the API: longest gap between acknowledged puts ${during_gap} ms (alone: ${baseline_gap} ms)"
file=$(sed -n 's/.* saved: \([^ ]*\) .*/\1/p' "$work/save.txt")
stop_process s1

start=$(now_ms)
"$CAIRN" server --node-name s2 --node-ip "$IP2" --bind-address "$IP2" --data-dir "$work/s2" --disable-apiserver \
  --cluster-reset --cluster-reset-restore-path "$file" >"$work/restore.txt" 2>&1 \
  || fail "restore failed; see $work/restore.txt"
restore_ms=$(($(now_ms) - start))
start=$(now_ms)
start_server s2 "$IP2"
serve_ms=$(($(now_ms) - start))
say "restore (cairn server --cluster-reset --cluster-reset-restore-path, until it exits): ${restore_ms} ms"
say "restored server started normally, until it serves: ${serve_ms} ms"
say "restored: $(grep -o 'snapshot restore done.*' "$work/restore.txt" | head -1)"
