package dev.cairn.datastore.raft;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleConsumer;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.server.metrics.RaftLogMetricsBase;
import org.apache.ratis.server.metrics.SegmentedRaftLogMetrics;
import org.apache.ratis.thirdparty.com.codahale.metrics.ExponentiallyDecayingReservoir;
import org.apache.ratis.thirdparty.com.codahale.metrics.MetricRegistry;
import org.apache.ratis.thirdparty.com.codahale.metrics.Reservoir;
import org.apache.ratis.thirdparty.com.codahale.metrics.Snapshot;
import org.apache.ratis.thirdparty.com.codahale.metrics.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every Raft log flush duration (write and fsync of the log segment) to a listener, per member.
 *
 * <p>The flush happens inside Ratis's log worker; the one place that sees each one is the worker's "flushTime"
 * timer, which Ratis only exposes as a decaying sample. A histogram with etcd's buckets needs every duration, so
 * when Ratis creates a member's log-worker metric registry this class registers that timer first, backed by a
 * reservoir that forwards each duration (Ratis's registry returns an existing timer by name, and the log worker asks
 * for its timer only after the registry exists). Ratis is embedded in this bundle at a fixed version, so the
 * default metrics implementation this relies on is the one present; if it is not, flush times are just not
 * reported (logged once).
 */
final class LogFlushTimes {
    private static final Logger LOG = LoggerFactory.getLogger(LogFlushTimes.class);
    private static final Map<String, DoubleConsumer> LISTENERS = new ConcurrentHashMap<>();
    private static boolean registered;

    private LogFlushTimes() {
    }

    /** Sends {@code member}'s flush durations (seconds) to {@code seconds}; call before its server starts. */
    static synchronized void listen(RaftGroupMemberId member, DoubleConsumer seconds) {
        if (!registered) {
            // before any registry exists, so that every log worker's registry passes through here
            MetricRegistries.global().addReporterRegistration(LogFlushTimes::registryCreated, registry -> {
            });
            registered = true;
        }
        LISTENERS.put(member.toString(), seconds);
    }

    static void stop(RaftGroupMemberId member, DoubleConsumer seconds) {
        LISTENERS.remove(member.toString(), seconds);
    }

    private static void registryCreated(RatisMetricRegistry registry) {
        MetricRegistryInfo info = registry.getMetricRegistryInfo();
        if (!RaftLogMetricsBase.RATIS_LOG_WORKER_METRICS.equals(info.getMetricsComponentName())) {
            return;
        }
        if (!(registry instanceof RatisMetricRegistryImpl impl)) {
            LOG.warn("raft log flush times not measured registry={} reason=\"unexpected Ratis metrics"
                    + " implementation\"", registry.getClass().getName());
            return;
        }
        String member = info.getPrefix();
        String name = MetricRegistry.name(info.getApplicationName(), info.getMetricsComponentName(), member,
                SegmentedRaftLogMetrics.RAFT_LOG_FLUSH_TIME);
        impl.getDropWizardMetricRegistry().timer(name, () -> new Timer(new Forwarding(member)));
    }

    /** Ratis's usual reservoir, plus each duration to the member's listener. */
    private static final class Forwarding implements Reservoir {
        private final Reservoir sample = new ExponentiallyDecayingReservoir();
        private final String member;

        Forwarding(String member) {
            this.member = member;
        }

        @Override
        public int size() {
            return sample.size();
        }

        @Override
        public void update(long nanos) {
            sample.update(nanos);
            DoubleConsumer listener = LISTENERS.get(member);
            if (listener != null) {
                listener.accept(nanos / 1e9);
            }
        }

        @Override
        public Snapshot getSnapshot() {
            return sample.getSnapshot();
        }
    }
}
