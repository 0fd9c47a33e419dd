#!/usr/bin/env bash
# Conversion figures: a SQLite server holding KEYS keys (256-byte values, 3 revisions each) turned into the
# embedded etcd (1) by a restart with --cluster-init: the conversion's own time (from its log line) and the time
# until the restarted server serves; (2) live, by `cairn datastore convert --to etcd` asked through the API while a
# one-client writer runs: how long requests waited in the server and the writer's longest gap between acknowledged
# puts (against the same writer's longest gap without a conversion).
#
#   benchmarks/bin/conversion-figures.sh [--keys N] [--keep]
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
WRITE_SECS=20
work=$(mktemp -d /tmp/cairn-conversion-figures.XXXXXX)
FIGURES=conversion-figures
# shellcheck source=lib/figures.sh
. "$root/benchmarks/bin/lib/figures.sh"

# fill <ip> <name>: every key written three times (10 puts per txn to load quickly; each key gets 3 versions)
fill() {
  for round in 1 2 3; do
    bench "$1" "$2" --conns 8 --clients 32 --total "$KEYS" fill --val-size 256 --txn-ops 10 \
      >"$work/fill-$2-$round.txt" 2>&1 || fail "fill failed; see $work/fill-$2-$round.txt"
  done
  say "$2 filled: $(grep '^RESULT' "$work/fill-$2-3.txt" | tail -1)"
}

[ -x "$CAIRN" ] || fail "no distribution at $CAIRN; build with: mvn -DskipTests install"
say "== conversion figures: $KEYS keys of 256 bytes, 3 revisions each, $(date -u +%FT%TZ), work dir $work"

# (1) restart with --cluster-init
start_server s1 "$IP1" --token conversion-figures
fill "$IP1" s1
stop_process s1
mv "$work/s1.log" "$work/s1-sqlite.log" # the restart's ready line must be its own
start=$(now_ms)
start_server s1 "$IP1" --token conversion-figures --cluster-init
serve_ms=$(($(now_ms) - start))
say "restart conversion: $(grep -o 'sqlite conversion done.*' "$work/s1.log" | head -1)"
say "restart with --cluster-init until the server serves: ${serve_ms} ms"
stop_process s1

# (2) live conversion under a writer
start_server s2 "$IP2" --token conversion-figures
fill "$IP2" s2
writer "$work/baseline.txt" "$IP2" s2
baseline_gap=$(await_writer "$work/baseline.txt")
say "writer alone for ${WRITE_SECS}s: longest gap between acknowledged puts ${baseline_gap} ms"
password=$(sed 's/.*:server://' "$work/s2/server/token")
writer "$work/during.txt" "$IP2" s2
start=$(now_ms)
curl -sS --fail --max-time 600 --cacert "$work/s2/server/tls/server-ca.crt" -u "server:$password" -X POST \
  -d '{"to":"etcd"}' "https://$IP2:6443/db/convert" >"$work/convert.txt" \
  || fail "live conversion failed: $(cat "$work/convert.txt")"
convert_ms=$(($(now_ms) - start))
during_gap=$(await_writer "$work/during.txt")
say "live conversion (asked through the API, until it answered): ${convert_ms} ms; report $(cat "$work/convert.txt")"
say "  server: $(grep -o 'live conversion done.*' "$work/s2.log" | head -1)"
say "writer during the live conversion: longest gap between acknowledged puts ${during_gap} ms (alone: ${baseline_gap} ms)"
