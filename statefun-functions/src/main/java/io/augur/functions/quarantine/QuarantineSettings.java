package io.augur.functions.quarantine;

import io.augur.functions.allocation.Allocation;
import io.augur.schema.TrustLevel;
import java.util.Objects;

/**
 * What an analyst's verdict does to a quarantined task (policy section {@code quarantine}).
 *
 * @param releaseTrust the trust level a task released by a FALSE_POSITIVE verdict is thawed at: LOW
 *     or MEDIUM, never HIGH ("trust recovers ..., never in one step": from there {@code
 *     TrustRecovery} raises it after sustained calm, one level at a time)
 * @param releaseAllocation the limits of the release decision; CPU and memory never above what the
 *     task had when it was quarantined, the network as given here
 * @param onTruePositive what a TRUE_POSITIVE verdict does: TERMINATE at once, or KEEP the task
 *     frozen until {@code terminate-after-ms} passes
 */
public record QuarantineSettings(
        TrustLevel releaseTrust, Allocation releaseAllocation, OnTruePositive onTruePositive) {

    /** What a confirmed (TRUE_POSITIVE) quarantine leads to. */
    public enum OnTruePositive {
        TERMINATE,
        KEEP
    }

    /**
     * Released at MEDIUM with the default allocation (1 core, 1 GiB, network on); confirmed:
     * terminate.
     */
    public static final QuarantineSettings DEFAULTS =
            new QuarantineSettings(
                    TrustLevel.MEDIUM,
                    new Allocation(1.0, 1024 * Allocation.MIB, true),
                    OnTruePositive.TERMINATE);

    public QuarantineSettings {
        Objects.requireNonNull(releaseTrust, "releaseTrust");
        Objects.requireNonNull(releaseAllocation, "releaseAllocation");
        Objects.requireNonNull(onTruePositive, "onTruePositive");
        if (releaseTrust == TrustLevel.HIGH) {
            throw new IllegalArgumentException(
                    "quarantine.release-trust must be LOW or MEDIUM, not HIGH: trust recovers one"
                            + " level at a time, never in one step");
        }
    }
}
