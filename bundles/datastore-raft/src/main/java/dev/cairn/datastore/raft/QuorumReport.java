package dev.cairn.datastore.raft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum line logged at every membership change (etcd's and K3s's rule: quorum = voters / 2 + 1; learners do
 * not count), with a warning for an even number of voters, which tolerates no more failures than one voter less.
 */
final class QuorumReport {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumReport.class);

    private QuorumReport() {
    }

    static int quorum(int voters) {
        return voters / 2 + 1;
    }

    static int toleratesFailures(int voters) {
        return voters == 0 ? 0 : voters - quorum(voters);
    }

    static void log(String member, long index, int voters, int learners) {
        LOG.info("raft membership changed member={} index={} voters={} learners={} quorum={} toleratesFailures={}",
                member, index, voters, learners, quorum(voters), toleratesFailures(voters));
        if (voters > 0 && voters % 2 == 0) {
            LOG.warn("raft membership has an even number of voters voters={} toleratesFailures={} advice=\"an even"
                    + " number of voters tolerates no more failures than {}; add or remove one\"", voters,
                    toleratesFailures(voters), voters - 1);
        }
    }
}
