/**
 * End-to-end tests against the real distribution ({@code distribution/target/cairn/bin/cairn}), each test class on
 * its own loopback address (127.0.0.11 to .66) with default ports, like separate hosts.
 *
 * <p>Run: {@code mvn -o -q test -pl itests -Dtest='dev.cairn.itests.e2e.*IT'} (build the distribution first).
 * Server output lands in {@code itests/target/e2e-logs/<server>.log}, and the etcdctl transcripts of the
 * differential test in {@code <server>.<area>.transcript.log} beside it.
 *
 * <p>{@code -Dcairn.e2e.target=etcd} runs every test against the reference etcd (with the same TLS setup) instead
 * of Cairn, which checks the tests themselves; tests about Cairn's own process behaviour are skipped there.
 * {@code -Dcairn.e2e.keepData=true} keeps the data directories under {@code itests/target/e2e-work}.
 */
package dev.cairn.itests.e2e;
