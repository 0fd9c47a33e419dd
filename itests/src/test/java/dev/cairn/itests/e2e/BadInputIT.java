package dev.cairn.itests.e2e;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;

import com.google.protobuf.ByteString;
import dev.cairn.itests.e2e.support.CairnProcess;
import dev.cairn.itests.e2e.support.ClientTls;
import dev.cairn.itests.e2e.support.EtcdClients;
import dev.cairn.itests.e2e.support.Etcdctl;
import dev.cairn.itests.e2e.support.EtcdctlResult;
import dev.cairn.itests.e2e.support.ManagedServer;
import dev.cairn.itests.e2e.support.ServerUnderTest;
import dev.cairn.itests.e2e.support.TestCertificates;
import dev.cairn.itests.e2e.support.TlsProbe;
import dev.cairn.itests.e2e.support.WorkDirs;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Bad input gets etcd's error (gRPC code and message byte for byte, as clients match on them), stores nothing, and
 * the server keeps serving; clients without a trusted certificate are refused; a damaged or unusable data
 * directory stops the server at startup with exit code 1 and a message naming the file or directory, and touches
 * nothing.
 */
public class BadInputIT {

    private static final String ADDRESS = "127.0.0.35";
    /** For the servers that must refuse to start. */
    private static final String STARTUP_ADDRESS = "127.0.0.36";
    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);

    private static ManagedServer server;
    private static ManagedChannel channel;

    @BeforeClass
    public static void startServer() {
        server = ServerUnderTest.start("badinput-cairn", ADDRESS);
        channel = EtcdClients.channel(server);
    }

    @AfterClass
    public static void stopServer() {
        try {
            EtcdClients.close(channel);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    public void oversizedValueIsRejectedAndNothingIsStored() {
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large",
                () -> kv().put(put("/bad/big", new byte[1_600_000])));
        // beyond max-request-bytes + 512 KiB the gRPC transport itself refuses the message
        StatusRuntimeException transport = expectFailure(() -> kv().put(put("/bad/huge", new byte[3 * 1024 * 1024])));
        assertEquals("a 3 MiB request: " + transport.getStatus(), Status.Code.RESOURCE_EXHAUSTED,
                transport.getStatus().getCode());
        assertEquals(0, count("/bad/big"));
        assertEquals(0, count("/bad/huge"));
        byte[] large = new byte[1_000_000];
        new Random(7).nextBytes(large);
        kv().put(put("/bad/large-but-allowed", large));
        assertArrayEquals("a 1 MB value is below the limit and round-trips", large,
                kv().range(RangeRequest.newBuilder().setKey(utf8("/bad/large-but-allowed")).build())
                        .getKvs(0).getValue().toByteArray());
        kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(utf8("/bad/large-but-allowed")).build());
        assertStillServing();
    }

    @Test
    public void txnWithMoreThan128OperationsIsRejected() {
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request",
                () -> kv().txn(txnOfPuts(129)));
        assertEquals("nothing of the rejected txn is stored", 0, count("/bad/txn/"));
        long before = revision();
        kv().txn(txnOfPuts(128));
        assertEquals("128 operations are allowed", 128, count("/bad/txn/"));
        assertEquals("and take one revision", before + 1, revision());
        TxnRequest.Builder compares = TxnRequest.newBuilder();
        IntStream.range(0, 129).forEach(i -> compares.addCompare(Compare.newBuilder().setKey(utf8("/bad/c" + i))
                .setTarget(Compare.CompareTarget.VERSION).setResult(Compare.CompareResult.EQUAL).setVersion(0)));
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request",
                () -> kv().txn(compares.build()));
        kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(utf8("/bad/txn/")).setRangeEnd(utf8("/bad/txn0"))
                .build());
        assertStillServing();
    }

    @Test
    public void duplicateKeyInTxnIsRejected() {
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request",
                () -> kv().txn(TxnRequest.newBuilder().addSuccess(putOp("/bad/dup", "1"))
                        .addSuccess(putOp("/bad/dup", "2")).build()));
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request",
                () -> kv().txn(TxnRequest.newBuilder().addSuccess(putOp("/bad/dup/x", "1"))
                        .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                                .setKey(utf8("/bad/dup/")).setRangeEnd(utf8("/bad/dup0")))).build()));
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request",
                () -> kv().txn(TxnRequest.newBuilder().addFailure(putOp("/bad/dup", "1"))
                        .addFailure(putOp("/bad/dup", "2")).build()));
        assertEquals("nothing of the rejected txns is stored", 0, count("/bad/dup"));
        // the branches of a nested txn exclude each other, so they may write the same key
        TxnRequest nested = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(
                TxnRequest.newBuilder().addSuccess(putOp("/bad/dup", "then")).addFailure(putOp("/bad/dup", "else"))))
                .build();
        assertTrue(kv().txn(nested).getSucceeded());
        assertEquals("then", kv().range(RangeRequest.newBuilder().setKey(utf8("/bad/dup")).build()).getKvs(0)
                .getValue().toStringUtf8());
        kv().deleteRange(DeleteRangeRequest.newBuilder().setKey(utf8("/bad/dup")).build());
        assertStillServing();
    }

    @Test
    public void emptyKeyIsRejected() {
        String message = "etcdserver: key is not provided";
        assertEtcdError(Status.Code.INVALID_ARGUMENT, message, () -> kv().put(put("", new byte[] {1})));
        assertEtcdError(Status.Code.INVALID_ARGUMENT, message, () -> kv().range(RangeRequest.newBuilder().build()));
        assertEtcdError(Status.Code.INVALID_ARGUMENT, message,
                () -> kv().deleteRange(DeleteRangeRequest.newBuilder().build()));
        assertEtcdError(Status.Code.INVALID_ARGUMENT, message,
                () -> kv().txn(TxnRequest.newBuilder().addSuccess(putOp("", "v")).build()));
        assertStillServing();
    }

    @Test
    public void invalidSortOptionIsRejected() {
        // etcdctl validates --order/--sort-by itself, so only a raw request can carry an out-of-range enum.
        // etcd checks the enums since 3.5 (v3rpc checkRangeRequest); the 3.4 reference on this machine does not.
        assumeTrue("etcd 3.4 accepts out-of-range sort enums; the check is etcd 3.5+", ServerUnderTest.isCairn());
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: invalid sort option", () -> kv().range(
                RangeRequest.newBuilder().setKey(utf8("/bad/")).setRangeEnd(utf8("/bad0")).setSortOrderValue(7)
                        .build()));
        assertEtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: invalid sort option", () -> kv().range(
                RangeRequest.newBuilder().setKey(utf8("/bad/")).setRangeEnd(utf8("/bad0")).setSortOrderValue(1)
                        .setSortTargetValue(9).build()));
        assertStillServing();
    }

    @Test
    public void unknownLeaseIsReportedLikeEtcd() throws InterruptedException {
        long unknown = 0x1234abcdL;
        assertEtcdError(Status.Code.NOT_FOUND, "etcdserver: requested lease not found",
                () -> kv().put(PutRequest.newBuilder().setKey(utf8("/bad/leased")).setValue(utf8("v")).setLease(unknown)
                        .build()));
        assertEquals(0, count("/bad/leased"));
        assertEtcdError(Status.Code.NOT_FOUND, "etcdserver: requested lease not found",
                () -> lease().leaseRevoke(LeaseRevokeRequest.newBuilder().setID(unknown).build()));
        assertEquals("time-to-live of an unknown lease is -1, not an error", -1,
                lease().leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(unknown).build()).getTTL());

        BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        StreamObserver<LeaseKeepAliveRequest> requests = LeaseGrpc.newStub(channel).leaseKeepAlive(
                new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseKeepAliveResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answers.add(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(unknown).build());
        Object answer = answers.poll(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertTrue("keep-alive of an unknown lease answers TTL 0, not an error: " + answer,
                answer instanceof LeaseKeepAliveResponse && ((LeaseKeepAliveResponse) answer).getTTL() == 0);
        assertStillServing();
    }

    @Test
    public void clientsWithoutATrustedCertificateAreRefused() {
        ClientTls tls = server.tls().orElseThrow();
        TlsProbe.Result trusted = TlsProbe.connect(ADDRESS, server.clientPort(), tls, Duration.ofSeconds(5));
        assertEquals("with the client certificate: " + trusted.detail(), TlsProbe.Outcome.ACCEPTED, trusted.outcome());
        TlsProbe.Result none = TlsProbe.connect(ADDRESS, server.clientPort(), tls.withoutClientCertificate(),
                Duration.ofSeconds(5));
        assertEquals("without a client certificate: " + none.detail(), TlsProbe.Outcome.REFUSED, none.outcome());
        Path foreignDir = WorkDirs.freshDir("foreign-client");
        try {
            ClientTls foreign = TestCertificates.foreignClient(foreignDir, tls.ca());
            TlsProbe.Result stranger = TlsProbe.connect(ADDRESS, server.clientPort(), foreign, Duration.ofSeconds(5));
            assertEquals("with a certificate from another CA: " + stranger.detail(), TlsProbe.Outcome.REFUSED,
                    stranger.outcome());
        } finally {
            WorkDirs.delete(foreignDir);
        }
        ManagedChannel anonymous = EtcdClients.channel(server, tls.withoutClientCertificate());
        try {
            StatusRuntimeException e = expectFailure(() -> KVGrpc.newBlockingStub(anonymous)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .range(RangeRequest.newBuilder().setKey(utf8("/bad/any")).build()));
            assertEquals("a gRPC call without a client certificate: " + e.getStatus(), Status.Code.UNAVAILABLE,
                    e.getStatus().getCode());
        } finally {
            EtcdClients.close(anonymous);
        }
        EtcdctlResult refused = new Etcdctl(server).withTls(tls.withoutClientCertificate())
                .run("--dial-timeout=2s", "--command-timeout=3s", "get", "/bad/any");
        assertNotEquals("etcdctl without --cert/--key must fail: " + refused, 0, refused.exitCode());
        new Etcdctl(server).run("get", "/bad/any").requireSuccess();
        assertStillServing();
    }

    @Test
    public void corruptedStateDbStopsStartupNamingTheFileAndStaysUntouched() throws Exception {
        assumeTrue("Cairn's own data directory", ServerUnderTest.isCairn());
        try (CairnProcess cairn = CairnProcess.create("badinput-corrupt", STARTUP_ADDRESS)) {
            cairn.start();
            new Etcdctl(cairn).run("put", "/kept", "value").requireSuccess();
            ManagedServer.Stop stop = cairn.stop(Duration.ofSeconds(10));
            assertTrue("clean stop first: " + stop + "\n" + cairn.logTail(), stop.withinGrace());
            Path stateDb = cairn.dataDir().resolve("server/db/state.db");
            assertTrue("the SQLite store lives at " + stateDb, Files.isRegularFile(stateDb));
            Map<Path, byte[]> healthy = dbFiles(stateDb.getParent());

            // garbage over the whole file, header included
            byte[] garbage = new byte[(int) Math.max(Files.size(stateDb), 8192)];
            new Random(42).nextBytes(garbage);
            Files.write(stateDb, garbage);
            assertRefusedNamingTheFile(cairn, stateDb);

            // a valid SQLite header over damaged pages (the schema page included)
            byte[] damaged = healthy.get(stateDb).clone();
            byte[] noise = new byte[damaged.length - 100];
            new Random(43).nextBytes(noise);
            System.arraycopy(noise, 0, damaged, 100, noise.length);
            Files.write(stateDb, damaged);
            assertRefusedNamingTheFile(cairn, stateDb);

            // with the healthy files back the server starts and still has the data
            healthy.forEach(BadInputIT::write);
            cairn.start();
            EtcdctlResult kept = new Etcdctl(cairn).run("get", "/kept", "--print-value-only");
            assertEquals("the data survived the refused starts: " + kept + "\n" + cairn.logTail(), "value\n",
                    kept.stdout());
        }
    }

    private static void assertRefusedNamingTheFile(CairnProcess cairn, Path stateDb) throws Exception {
        byte[] before = sha256(stateDb);
        ManagedServer.Exit exit = cairn.runUntilExit(STARTUP_LIMIT);
        assertEquals("exit code of a start on a corrupted state.db\n" + exit.output(), 1, exit.exitCode());
        assertTrue("the message names the corrupted file " + stateDb + ":\n" + exit.output(),
                exit.output().contains(stateDb.toString()));
        assertArrayEquals("a failed start must leave state.db byte for byte as it was", before, sha256(stateDb));
    }

    /** state.db and its WAL and shared-memory files, if any, by path. */
    private static Map<Path, byte[]> dbFiles(Path dbDir) throws Exception {
        Map<Path, byte[]> files = new HashMap<>();
        try (Stream<Path> list = Files.list(dbDir)) {
            for (Path file : list.filter(f -> f.getFileName().toString().startsWith("state.db"))
                    .collect(Collectors.toList())) {
                files.put(file, Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    public void unusableDataDirStopsStartupNamingTheDirectory() throws Exception {
        assumeTrue("Cairn's own data directory", ServerUnderTest.isCairn());
        // The tests run as root, for whom chmod 0500 is no obstacle. A path below a regular file cannot be created
        // or written by anyone, root included (ENOTDIR), so it stands in for a data dir that is not writable.
        Path work = WorkDirs.freshDir("badinput-unwritable");
        try {
            Path file = Files.writeString(work.resolve("a-regular-file"), "not a directory");
            Path dataDir = file.resolve("data");
            ManagedServer.Exit exit;
            try (CairnProcess refused = CairnProcess.onDataDir("badinput-unwritable", STARTUP_ADDRESS, dataDir)) {
                exit = refused.runUntilExit(STARTUP_LIMIT);
            }
            assertEquals("exit code with an unusable data dir\n" + exit.output(), 1, exit.exitCode());
            assertTrue("the message names the data dir " + dataDir + ":\n" + exit.output(),
                    exit.output().contains(dataDir.toString()));
            assertEquals("the file in the way is untouched", "not a directory", Files.readString(file));
        } finally {
            WorkDirs.delete(work);
        }
    }

    private static KVGrpc.KVBlockingStub kv() {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static LeaseGrpc.LeaseBlockingStub lease() {
        return LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static void assertEtcdError(Status.Code code, String message, Runnable call) {
        StatusRuntimeException e = expectFailure(call);
        assertEquals("gRPC code for \"" + message + "\"", code, e.getStatus().getCode());
        assertEquals("error message, byte for byte", message, e.getStatus().getDescription());
    }

    private static StatusRuntimeException expectFailure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        fail("the request was accepted but must be rejected");
        return null;
    }

    /** After the bad request, a normal write and read still work. */
    private static void assertStillServing() {
        long before = revision();
        kv().put(PutRequest.newBuilder().setKey(utf8("/bad/alive")).setValue(utf8("yes")).build());
        RangeResponse read = kv().range(RangeRequest.newBuilder().setKey(utf8("/bad/alive")).build());
        assertEquals("yes", read.getKvs(0).getValue().toStringUtf8());
        assertEquals(before + 1, read.getHeader().getRevision());
        assertTrue("the server process is still running\n" + server.logTail(), server.isRunning());
    }

    private static long revision() {
        return kv().range(RangeRequest.newBuilder().setKey(utf8("/bad/revision-probe")).build()).getHeader()
                .getRevision();
    }

    private static long count(String prefix) {
        ByteString key = utf8(prefix);
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return kv().range(RangeRequest.newBuilder().setKey(key).setRangeEnd(ByteString.copyFrom(end))
                .setCountOnly(true).build()).getCount();
    }

    private static TxnRequest txnOfPuts(int n) {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        IntStream.range(0, n).forEach(i -> txn.addSuccess(putOp(String.format("/bad/txn/%03d", i), "v")));
        return txn.build();
    }

    private static RequestOp putOp(String key, String value) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)))
                .build();
    }

    private static PutRequest put(String key, byte[] value) {
        return PutRequest.newBuilder().setKey(utf8(key)).setValue(ByteString.copyFrom(value)).build();
    }

    private static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
