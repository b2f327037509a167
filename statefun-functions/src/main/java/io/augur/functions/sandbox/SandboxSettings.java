package io.augur.functions.sandbox;

import io.augur.functions.allocation.AllocationPolicy;
import java.util.List;
import java.util.Objects;

/**
 * The policy values of the sandbox levels (behavioral-sandboxing.md, "Dynamic Sandboxing
 * Constraints"): what a LOW, MEDIUM and HIGH sequence anomaly does to a task. Section {@code
 * sandbox} of the policy YAML; {@link #DEFAULTS} is what {@code deploy/policies/default.yaml} says.
 *
 * @param lowMonitoringIntervalMs LOW: "allow with detailed logging": the task is sampled this often
 * @param mediumCpuFactor MEDIUM: share of its current CPU the task keeps, in (0, 1]
 * @param mediumMemoryFactor MEDIUM: share of its current memory the task keeps, in (0, 1]; never
 *     below the last forecast's working set
 * @param mediumNetwork MEDIUM: the network cut off, or limited to {@code mediumNetworkBandwidthBps}
 * @param mediumNetworkBandwidthBps bytes per second both ways with {@link
 *     NetworkRestriction#LIMITED}
 * @param restrictedProfile MEDIUM and HIGH: the sandbox profile the decision names
 * @param boundaryShifting HIGH with an attributed process: SPLIT that process off instead of
 *     quarantining the whole task (adaptive-trust-zones.md, adaptive boundary shifting)
 * @param splitCpuCores CPU of the split-off process group
 * @param splitMemoryBytes memory of the split-off process group
 * @param splitPidsMax process limit of the split-off process group
 * @param calmWindowsToRelax consecutive NORMAL windows before the held level falls one step
 */
public record SandboxSettings(
        long lowMonitoringIntervalMs,
        double mediumCpuFactor,
        double mediumMemoryFactor,
        NetworkRestriction mediumNetwork,
        long mediumNetworkBandwidthBps,
        String restrictedProfile,
        boolean boundaryShifting,
        double splitCpuCores,
        long splitMemoryBytes,
        long splitPidsMax,
        int calmWindowsToRelax) {

    /** How MEDIUM restricts the network. */
    public enum NetworkRestriction {
        /** Link down: nothing passes. */
        OFF,
        /** Shaped to the bandwidth both ways. */
        LIMITED
    }

    /** Sandbox profile names a decision may carry, least to most restrictive (the actuator's). */
    public static final List<String> PROFILES =
            List.of(
                    AllocationPolicy.PROFILE_DEFAULT,
                    AllocationPolicy.PROFILE_MONITORED,
                    AllocationPolicy.PROFILE_RESTRICTED);

    public static final SandboxSettings DEFAULTS =
            new SandboxSettings(
                    250,
                    0.5,
                    0.5,
                    NetworkRestriction.OFF,
                    1L << 20,
                    AllocationPolicy.PROFILE_RESTRICTED,
                    true,
                    0.1,
                    256L << 20,
                    64,
                    30);

    public SandboxSettings {
        Objects.requireNonNull(mediumNetwork, "mediumNetwork");
        Objects.requireNonNull(restrictedProfile, "restrictedProfile");
        if (lowMonitoringIntervalMs < 1) {
            throw new IllegalArgumentException("sandbox low monitoring interval must be >= 1 ms");
        }
        if (!(mediumCpuFactor > 0 && mediumCpuFactor <= 1)
                || !(mediumMemoryFactor > 0 && mediumMemoryFactor <= 1)) {
            throw new IllegalArgumentException("sandbox medium factors must be in (0, 1]");
        }
        if (mediumNetworkBandwidthBps < 8 * 1024) {
            throw new IllegalArgumentException(
                    "sandbox medium network bandwidth must be >= 8 KiB/s (the enforcer's minimum)");
        }
        if (!PROFILES.contains(restrictedProfile)) {
            throw new IllegalArgumentException(
                    "sandbox profile must be one of " + PROFILES + ", got " + restrictedProfile);
        }
        if (!(splitCpuCores > 0) || splitMemoryBytes < 16L << 20 || splitPidsMax < 1) {
            throw new IllegalArgumentException(
                    "sandbox split limits must be cpu > 0, memory >= 16 MiB, pids-max >= 1");
        }
        if (calmWindowsToRelax < 1) {
            throw new IllegalArgumentException("sandbox calm windows to relax must be >= 1");
        }
    }

    /** The stricter of two profile names. */
    public static String stricter(String a, String b) {
        return PROFILES.indexOf(a) >= PROFILES.indexOf(b) ? a : b;
    }
}
