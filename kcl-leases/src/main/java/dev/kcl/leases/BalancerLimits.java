package dev.kcl.leases;

/**
 * Bounds on what one balancing round may do.
 *
 * @param maxLeasesPerWorker no worker is given more leases than this
 * @param maxMovesPerRound at most this many live leases change hands per round (expired ones are not limited)
 * @param throughputTolerance workers' throughputs may differ by this fraction of the mean before leases move for it
 */
public record BalancerLimits(int maxLeasesPerWorker, int maxMovesPerRound, double throughputTolerance) {
    public BalancerLimits {
        if (maxLeasesPerWorker < 1) {
            throw new IllegalArgumentException("maxLeasesPerWorker must be at least 1, was " + maxLeasesPerWorker);
        }
        if (maxMovesPerRound < 0) {
            throw new IllegalArgumentException("maxMovesPerRound must not be negative, was " + maxMovesPerRound);
        }
        if (!(throughputTolerance >= 0)) {
            throw new IllegalArgumentException("throughputTolerance must be at least 0, was " + throughputTolerance);
        }
    }
}
