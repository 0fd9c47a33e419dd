package dev.cairn.datastore.raft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code conversionCrash} failpoint ({@code CAIRN_FAILPOINTS}, tests only): the process halts at once, as
 * {@code kill -9} would, when {@link SqliteConversion} reaches the named step ({@code copied}: the store copy is
 * written; {@code staged}: the new Raft storage is built beside; {@code renamed}: it is in place, not yet started).
 */
final class ConversionCrash {
    private static final Logger LOG = LoggerFactory.getLogger(ConversionCrash.class);
    /** The backend option naming the step. */
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
