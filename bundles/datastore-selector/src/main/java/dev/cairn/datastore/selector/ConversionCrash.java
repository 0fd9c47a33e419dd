package dev.cairn.datastore.selector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code conversionCrash} failpoint ({@code CAIRN_FAILPOINTS}, tests only): the process halts at once, as
 * {@code kill -9} would, when a SQLite-to-embedded-etcd conversion reaches the named step. The Raft backend halts
 * at the steps inside the conversion; the selector at {@code opened}: converted, {@code state.db} not yet renamed.
 */
final class ConversionCrash {
    private static final Logger LOG = LoggerFactory.getLogger(ConversionCrash.class);
    /** The backend option that carries the step to the Raft backend. */
    static final String OPTION = "raft.failpoint.conversion.crash";

    private ConversionCrash() {
    }

    static void at(String step, String configured) {
        if (step.equals(configured)) {
            LOG.error("failpoint conversionCrash={} reached: halting the process", step);
            Runtime.getRuntime().halt(137);
        }
    }
}
