package io.augur.functions.allocation;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's resource pool (adaptive-trust-zones.md): its capacity and what it has granted to each
 * task. A task's availability is the capacity minus the grants of the other tasks; a grant beyond
 * that is refused, so the sum of grants never exceeds the capacity. Immutable.
 *
 * <p>CPU is accounted in whole millicores so that sums of grants are exact.
 */
public final class ResourcePool {

    private final NodeResources capacity;
    private final Map<String, NodeResources> grants;

    private ResourcePool(NodeResources capacity, Map<String, NodeResources> grants) {
        this.capacity = capacity;
        this.grants = Collections.unmodifiableMap(new TreeMap<>(grants));
    }

    public static ResourcePool of(NodeResources capacity, Map<String, NodeResources> grants) {
        return new ResourcePool(capacity, grants);
    }

    public static ResourcePool empty(NodeResources capacity) {
        return new ResourcePool(capacity, Map.of());
    }

    public NodeResources capacity() {
        return capacity;
    }

    /** Grants by task id, sorted. */
    public Map<String, NodeResources> grants() {
        return grants;
    }

    /** What the node has granted in total. */
    public NodeResources committed() {
        return sumExcept(null);
    }

    /** What {@code taskId} may have: capacity minus the other tasks' grants (never negative). */
    public NodeResources availableFor(String taskId) {
        NodeResources others = sumExcept(taskId);
        long cpuMillis = Math.max(0, millis(capacity.cpuCores()) - millis(others.cpuCores()));
        long memory = Math.max(0, capacity.memoryBytes() - others.memoryBytes());
        return new NodeResources(cpuMillis / 1000.0, memory);
    }

    /**
     * The pool with {@code taskId}'s grant replaced by {@code grant}.
     *
     * @throws IllegalArgumentException if the grant exceeds what is available to the task
     */
    public ResourcePool withGrant(String taskId, NodeResources grant) {
        NodeResources available = availableFor(taskId);
        if (millis(grant.cpuCores()) > millis(available.cpuCores())
                || grant.memoryBytes() > available.memoryBytes()) {
            throw new IllegalArgumentException(
                    "grant " + grant + " for " + taskId + " exceeds availability " + available);
        }
        Map<String, NodeResources> next = new TreeMap<>(grants);
        next.put(taskId, grant);
        return new ResourcePool(capacity, next);
    }

    /** The pool without {@code taskId}'s grant (the task ended). */
    public ResourcePool without(String taskId) {
        if (!grants.containsKey(taskId)) {
            return this;
        }
        Map<String, NodeResources> next = new TreeMap<>(grants);
        next.remove(taskId);
        return new ResourcePool(capacity, next);
    }

    private NodeResources sumExcept(String taskId) {
        long cpuMillis = 0;
        long memory = 0;
        for (Map.Entry<String, NodeResources> e : grants.entrySet()) {
            if (!e.getKey().equals(taskId)) {
                cpuMillis += millis(e.getValue().cpuCores());
                memory += e.getValue().memoryBytes();
            }
        }
        return new NodeResources(cpuMillis / 1000.0, memory);
    }

    static long millis(double cores) {
        return Math.round(cores * 1000);
    }
}
