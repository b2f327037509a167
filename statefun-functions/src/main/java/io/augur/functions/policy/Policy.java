package io.augur.functions.policy;

import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.ReputationSettings;
import io.augur.functions.feedback.FeedbackSettings;
import io.augur.functions.quarantine.QuarantineSettings;
import io.augur.functions.sandbox.NetworkAllowLists;
import io.augur.functions.sandbox.SandboxPolicy;
import io.augur.functions.sandbox.SandboxSettings;
import java.util.Objects;

/**
 * A validated decision policy: the values every decision rule reads, its version (which travels in
 * every decision's reasons) and its mode.
 *
 * @param version the policy's own version string, e.g. {@code default-1}
 * @param mode enforce, or monitor only
 * @param allocation the allocator's thresholds, allocations and intervals
 * @param reputation how a user's record sets the baseline trust of their new tasks
 * @param sandbox what a sequence anomaly's level does to a task (the sandbox levels)
 * @param feedback how acks tune a task's headroom and how failed decisions are retried
 * @param networkAllowLists the sandbox templates' network allow-lists
 * @param quarantine what an analyst's verdict does to a quarantined task
 */
public record Policy(
        String version,
        PolicyMode mode,
        AllocationSettings allocation,
        ReputationSettings reputation,
        SandboxSettings sandbox,
        FeedbackSettings feedback,
        NetworkAllowLists networkAllowLists,
        QuarantineSettings quarantine) {

    /** The specifications' values, enforced: what runs when no policy file is given. */
    public static final Policy DEFAULTS =
            new Policy("builtin-defaults", PolicyMode.ENFORCE, AllocationSettings.DEFAULTS);

    /** A policy with the default reputation settings. */
    public Policy(String version, PolicyMode mode, AllocationSettings allocation) {
        this(version, mode, allocation, ReputationSettings.DEFAULTS);
    }

    /** A policy with the default sandbox levels. */
    public Policy(
            String version,
            PolicyMode mode,
            AllocationSettings allocation,
            ReputationSettings reputation) {
        this(version, mode, allocation, reputation, SandboxSettings.DEFAULTS);
    }

    /** A policy with the default feedback settings. */
    public Policy(
            String version,
            PolicyMode mode,
            AllocationSettings allocation,
            ReputationSettings reputation,
            SandboxSettings sandbox) {
        this(version, mode, allocation, reputation, sandbox, FeedbackSettings.DEFAULTS);
    }

    /** A policy with the default network allow-lists and quarantine verdict settings. */
    public Policy(
            String version,
            PolicyMode mode,
            AllocationSettings allocation,
            ReputationSettings reputation,
            SandboxSettings sandbox,
            FeedbackSettings feedback) {
        this(
                version,
                mode,
                allocation,
                reputation,
                sandbox,
                feedback,
                NetworkAllowLists.DEFAULTS,
                QuarantineSettings.DEFAULTS);
    }

    public Policy {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(allocation, "allocation");
        Objects.requireNonNull(reputation, "reputation");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(feedback, "feedback");
        Objects.requireNonNull(networkAllowLists, "networkAllowLists");
        Objects.requireNonNull(quarantine, "quarantine");
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
    }

    /** A policy of these allocation settings, enforced, versioned by where they came from. */
    public static Policy of(AllocationSettings allocation, String version) {
        return new Policy(version, PolicyMode.ENFORCE, allocation);
    }

    public AllocationPolicy allocationPolicy() {
        return new AllocationPolicy(allocation);
    }

    public SandboxPolicy sandboxPolicy() {
        return new SandboxPolicy(sandbox, allocation);
    }

    public boolean monitorOnly() {
        return mode == PolicyMode.MONITOR;
    }
}
