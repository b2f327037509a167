package io.augur.functions.allocation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    /**
     * What a reclaim takes: the reduced grants of the tasks it takes from, and why.
     *
     * @param reduced task id → its new (smaller) grant, in the order taken
     * @param reasons one line per task taken from
     */
    public record Reclaim(Map<String, NodeResources> reduced, List<String> reasons) {
        public static final Reclaim NONE = new Reclaim(Map.of(), List.of());

        public boolean isEmpty() {
            return reduced.isEmpty();
        }
    }

    /**
     * Step 4 of adaptive-trust-zones.md: when {@code requester} asks for more than is available to
     * it, what to take from tasks of strictly lower rank (lower trust), lowest rank first, then the
     * largest grant, then the task id (deterministic); never below {@code floor}, never more than
     * is missing. CPU and memory are reclaimed independently. The pool itself is unchanged; apply
     * the result with {@link #withGrant} (shrinking a grant always fits).
     *
     * @param requesterRank the requester's rank (e.g. trust LOW 0, MEDIUM 1, HIGH 2)
     * @param rankOf the rank of every task that may be reclaimed from (others are left alone)
     */
    public Reclaim reclaimFor(
            String requester,
            int requesterRank,
            NodeResources requested,
            Map<String, Integer> rankOf,
            NodeResources floor) {
        NodeResources available = availableFor(requester);
        long cpuMissing = Math.max(0, millis(requested.cpuCores()) - millis(available.cpuCores()));
        long memMissing = Math.max(0, requested.memoryBytes() - available.memoryBytes());
        if (cpuMissing == 0 && memMissing == 0) {
            return Reclaim.NONE;
        }
        List<String> victims = new ArrayList<>();
        for (String task : grants.keySet()) {
            Integer rank = rankOf.get(task);
            if (!task.equals(requester) && rank != null && rank < requesterRank) {
                victims.add(task);
            }
        }
        victims.sort(
                Comparator.<String>comparingInt(rankOf::get)
                        .thenComparing(
                                t -> millis(grants.get(t).cpuCores()), Comparator.reverseOrder())
                        .thenComparing(Comparator.naturalOrder()));
        Map<String, NodeResources> reduced = new LinkedHashMap<>();
        List<String> reasons = new ArrayList<>();
        for (String victim : victims) {
            if (cpuMissing == 0 && memMissing == 0) {
                break;
            }
            NodeResources g = grants.get(victim);
            long cpuTake =
                    Math.min(
                            cpuMissing,
                            Math.max(0, millis(g.cpuCores()) - millis(floor.cpuCores())));
            long memTake = Math.min(memMissing, Math.max(0, g.memoryBytes() - floor.memoryBytes()));
            if (cpuTake == 0 && memTake == 0) {
                continue;
            }
            cpuMissing -= cpuTake;
            memMissing -= memTake;
            NodeResources next =
                    new NodeResources(
                            (millis(g.cpuCores()) - cpuTake) / 1000.0, g.memoryBytes() - memTake);
            reduced.put(victim, next);
            reasons.add(
                    String.format(
                            Locale.ROOT,
                            "reclaimed %.3f cores, %d MiB from lower-trust task %s (now %.3f cores,"
                                    + " %d MiB)",
                            cpuTake / 1000.0,
                            memTake >> 20,
                            victim,
                            next.cpuCores(),
                            next.memoryBytes() >> 20));
        }
        return new Reclaim(reduced, reasons);
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
