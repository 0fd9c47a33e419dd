package dev.cairn.datastore.raft;

import static org.junit.Assert.assertTrue;

import dev.cairn.datastore.api.Bytes;
import dev.cairn.datastore.api.PutRequest;
import dev.cairn.datastore.api.PutResult;
import dev.cairn.datastore.spi.BackendSettings;
import dev.cairn.datastore.snapshot.SnapshotImage;
import dev.cairn.datastore.tck.SampleHistory;
import dev.cairn.datastore.tck.StoreContent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Writes this build's Raft release fixture ({@link RaftReleaseFixtureTest}) into
 * {@code src/test/resources/release-fixtures/<release>/}: {@code member/}, the storage directory
 * ({@code server/db/etcd}) of the only member of a group that applied {@link SampleHistory} (its Ratis log, a
 * state-machine snapshot taken halfway, so that the second half lives only in the log, entries of single and of
 * batched proposals, its store and identity files); {@code etcd-snapshot}, the etcd snapshot file {@code cairn etcd-snapshot save} takes of it at the end;
 * and {@code content.txt}, the {@link StoreContent} this build sees in both. Not a test (surefire's pattern does not
 * match it): run it by hand when a release is made, from the repository root, after a build of the release:
 *
 * <pre>
 * mvn -pl bundles/datastore-raft test-compile surefire:test -Dtest=RaftFixtureWriter -Dcairn.fixture.release=0.2.0
 * </pre>
 *
 * and commit the new directory; the fixtures of older releases stay, so every later build still reads them.
 */
public class RaftFixtureWriter {
    /** Small segments: the log of the fixture is a few dozen entries, and Ratis preallocates a whole segment. */
    static final Map<String, String> OPTIONS = Map.of(RaftSettings.ELECTION_TIMEOUT, "500",
            RaftSettings.SEGMENT_BYTES, "16384", RaftSettings.SNAPSHOT_EVERY, "100000");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void write() throws Exception {
        String release = System.getProperty("cairn.fixture.release");
        Assume.assumeTrue("set -Dcairn.fixture.release=<version> to write a fixture", release != null);
        Path target = Path.of("src/test/resources/release-fixtures", release).toAbsolutePath();
        SqliteConversion.deleteTree(target);
        Files.createDirectories(target);
        Path dataDir = tmp.newFolder().toPath();
        RaftSettings s = RaftSettings.from(new BackendSettings(dataDir, "", "fixture",
                List.of("https://127.0.0.1:2379"), List.of("https://127.0.0.1:" + TestCluster.freeLoopbackPort()), 0,
                null, OPTIONS));
        String content;
        try (RaftDatastore raft = RaftDatastore.open(s)) {
            assertTrue(raft.awaitLeader(TestCluster.WAIT));
            TestCluster.await("the member's own record", () -> raft.cluster().members().stream()
                    .anyMatch(m -> m.name().equals(s.name())));
            long compacted = SampleHistory.write(raft, () -> snapshot(raft, s));
            writeBatches(raft);
            content = StoreContent.of(raft, compacted);
            try (OutputStream out = Files.newOutputStream(target.resolve("etcd-snapshot"));
                    SnapshotImage.Sealer sealer = SnapshotImage.sealing(out)) {
                ClusterCalls.get(raft.snapshot(sealer));
                sealer.seal();
            }
        }
        copyTree(s.dir(), target.resolve("member"));
        Files.writeString(target.resolve("content.txt"), content);
        System.out.println("wrote the Raft release fixture of " + release + " to " + target);
    }

    /**
     * Puts sent together, until some of them shared a log entry: the log then holds entries of the batch format
     * ({@link CommandCodec#BATCH}) as well as single proposals.
     */
    private static void writeBatches(RaftDatastore raft) throws Exception {
        for (int round = 0; raft.metrics().writeBatch().sum() <= raft.metrics().writeBatch().count(); round++) {
            assertTrue("no two of 16 concurrent puts shared a log entry in 10 rounds", round < 10);
            List<CompletableFuture<PutResult>> puts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                puts.add(raft.put(PutRequest.of(Bytes.utf8("/burst/" + i), Bytes.utf8("round " + round))));
            }
            for (CompletableFuture<PutResult> put : puts) {
                ClusterCalls.get(put);
            }
        }
    }

    /** Has the member take a state-machine snapshot now and waits until its file is in {@code sm/}. */
    private static void snapshot(RaftDatastore raft, RaftSettings s) {
        try {
            long applied = raft.node().division().getInfo().getLastAppliedIndex();
            // the copy runs beside the apply thread; Ratis learns it is done when it asks again
            TestCluster.await("a state-machine snapshot at index " + applied, () -> {
                try {
                    raft.node().client().getSnapshotManagementApi().create(true, 5_000); // despite the creation gap
                    return snapshotIndex(s) >= applied;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The index of the newest snapshot file in the member's {@code sm/} directories; -1 when none. */
    static long snapshotIndex(RaftSettings s) throws IOException {
        try (Stream<Path> files = Files.walk(s.raftDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("snapshot\\.\\d+_\\d+"))
                    .mapToLong(n -> Long.parseLong(n.substring(n.indexOf('_') + 1))).max().orElse(-1);
        }
    }

    /** Copies the member's files as they are on disk, less Ratis's lock file (a running member's, not data). */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else if (!p.getFileName().toString().equals("in_use.lock")) {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
