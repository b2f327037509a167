package io.augur.actuator;

import io.augur.cgroup.TaskIds;
import io.augur.schema.EnforcementDecision;
import java.util.Optional;

/**
 * Decides whether a decision can be enforced on this node at all: a task id that is safe as a group
 * name, a known action, and limits within the node's bounds (cpu in (0, node cores], memory in [16
 * MiB, node memory], a positive pids max). Pure.
 */
public final class DecisionValidator {

    /** Below this a task cannot even start a shell; such a limit is a bug upstream. */
    public static final long MIN_MEMORY_BYTES = 16L << 20;

    private final NodeBounds bounds;

    public DecisionValidator(NodeBounds bounds) {
        this.bounds = bounds;
    }

    /** Why the decision must be rejected, or empty when it is enforceable. */
    public Optional<String> rejection(EnforcementDecision d) {
        if (!TaskIds.isValid(d.getTaskId())) {
            return Optional.of(TaskIds.problem(d.getTaskId()));
        }
        if (d.getAction() == null) {
            return Optional.of("decision has no action");
        }
        if (d.getSequence() < 0) {
            return Optional.of("sequence " + d.getSequence() + " is negative");
        }
        double cpu = d.getCpuCores();
        if (!(cpu > 0) || cpu > bounds.cpuCores()) {
            return Optional.of(
                    "cpuCores " + cpu + " is outside (0, " + bounds.cpuCores() + "] of this node");
        }
        long memory = d.getMemoryBytes();
        if (memory < MIN_MEMORY_BYTES || memory > bounds.memoryBytes()) {
            return Optional.of(
                    "memoryBytes "
                            + memory
                            + " is outside ["
                            + MIN_MEMORY_BYTES
                            + ", "
                            + bounds.memoryBytes()
                            + "] of this node");
        }
        if (d.getPidsMax() != null && d.getPidsMax() <= 0) {
            return Optional.of("pidsMax " + d.getPidsMax() + " is not positive");
        }
        return Optional.empty();
    }
}
