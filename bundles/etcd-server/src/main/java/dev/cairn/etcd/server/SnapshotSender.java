package dev.cairn.etcd.server;

import com.google.protobuf.ByteString;
import dev.cairn.etcd.pb.Rpc;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one snapshot file as etcd's Snapshot RPC does, sending only while the client is ready, and deletes the
 * file when done or cancelled.
 */
final class SnapshotSender {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);
    /** etcd's {@code snapshotSendBufferSize}. */
    static final int CHUNK = 32 * 1024;
    /** etcdctl checks {@code size % 512 == sha256 size}: the image is padded to this multiple. */
    static final int ALIGN = 512;

    private final ServerCallStreamObserver<Rpc.SnapshotResponse> out;
    private final ResponseHeaders headers;
    private final MessageDigest sha256;
    private Path file;
    private FileChannel channel;
    private long dataSize;
    private long total;
    private long sent;
    private long revision;
    private long startNanos;
    private boolean done;

    SnapshotSender(ServerCallStreamObserver<Rpc.SnapshotResponse> out, ResponseHeaders headers) {
        this.out = out;
        this.headers = headers;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    synchronized void start(Path snapshotFile, long snapshotRevision) {
        if (done) {
            delete(snapshotFile);
            return;
        }
        try {
            file = snapshotFile;
            channel = FileChannel.open(file, StandardOpenOption.READ);
            dataSize = channel.size();
        } catch (IOException e) {
            fail(new UncheckedIOException("cannot read snapshot file " + snapshotFile, e));
            return;
        }
        total = (dataSize + ALIGN - 1) / ALIGN * ALIGN;
        revision = snapshotRevision;
        startNanos = System.nanoTime();
        LOG.info("event=snapshot_send_start bytes={} revision={}", total, revision);
        pump();
    }

    /** Sends chunks while the client is ready; called again by gRPC's onReady. */
    synchronized void pump() {
        if (done || channel == null) {
            return;
        }
        try {
            while (out.isReady() && sent < total) {
                int n = (int) Math.min(CHUNK, total - sent);
                byte[] chunk = new byte[n];
                int read = 0;
                ByteBuffer buffer = ByteBuffer.wrap(chunk);
                while (read < n && sent + read < dataSize) {
                    int r = channel.read(buffer, sent + read);
                    if (r < 0) {
                        break;
                    }
                    read += r;
                }
                // Bytes past the end of the file stay zero: that is the padding.
                sha256.update(chunk);
                sent += n;
                Rpc.SnapshotResponse.Builder b = Rpc.SnapshotResponse.newBuilder()
                        .setRemainingBytes(total - sent).setBlob(ByteString.copyFrom(chunk));
                if (sent == n) {
                    // The first header tells the point in time of the snapshot.
                    b.setHeader(headers.at(revision));
                }
                out.onNext(b.build());
            }
            if (sent == total && out.isReady()) {
                out.onNext(Rpc.SnapshotResponse.newBuilder().setRemainingBytes(0)
                        .setBlob(ByteString.copyFrom(sha256.digest())).build());
                out.onCompleted();
                LOG.info("event=snapshot_send_done bytes={} revision={} took_ms={}", total, revision,
                        (System.nanoTime() - startNanos) / 1_000_000);
                finish();
            }
        } catch (IOException e) {
            fail(new UncheckedIOException("cannot read snapshot file " + file, e));
        }
    }

    synchronized void fail(Throwable error) {
        if (done) {
            return;
        }
        Replies.fail(out, error);
        finish();
    }

    synchronized void cancel() {
        if (!done) {
            LOG.info("event=snapshot_send_cancelled sent={} total={}", sent, total);
        }
        finish();
    }

    private void finish() {
        done = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("event=snapshot_close_failed file={}", file, e);
            }
            channel = null;
        }
        if (file != null) {
            delete(file);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("event=snapshot_delete_failed file={} error=\"{}\"", file, e.getMessage());
        }
    }
}
