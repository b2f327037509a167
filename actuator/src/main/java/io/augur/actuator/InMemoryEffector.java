package io.augur.actuator;

import io.augur.schema.EnforcedControls;
import io.augur.schema.ResourceLimits;
import io.augur.schema.ResourceUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An effector over maps, for tests: tasks exist once {@link #addTask added}, processes once {@link
 * #addProcess added} (with their parent), applies are counted, observed usage is whatever the test
 * sets, and a task can be made to refuse limits. Freezing, killing and splitting change the maps
 * the way the kernel would change the groups.
 */
public final class InMemoryEffector implements ResourceEffector {
    private final Map<String, ResourceLimits> limits = new HashMap<>();
    private final Map<String, Integer> applies = new HashMap<>();
    private final Map<String, ResourceUsage> usage = new HashMap<>();
    private final Map<String, String> refusals = new HashMap<>();
    private final Set<String> frozen = new HashSet<>();
    private final Map<String, String> cpusets = new HashMap<>();

    /** task → pid → the group it is in ("" = the task's own, else the split group's name). */
    private final Map<String, Map<Long, String>> processes = new HashMap<>();

    private final Map<Long, Long> parents = new HashMap<>();
    private final Map<String, Map<String, Allocation>> splits = new HashMap<>();

    public synchronized InMemoryEffector addTask(String taskId) {
        limits.putIfAbsent(taskId, ResourceLimits.newBuilder().build());
        processes.putIfAbsent(taskId, new TreeMap<>());
        return this;
    }

    /** A process of the task, child of {@code parentPid}, in the task's own group. */
    public synchronized InMemoryEffector addProcess(String taskId, long pid, long parentPid) {
        addTask(taskId);
        processes.get(taskId).put(pid, "");
        parents.put(pid, parentPid);
        return this;
    }

    public synchronized void setUsage(String taskId, ResourceUsage observed) {
        usage.put(taskId, observed);
    }

    /** Every later apply to the task fails with {@code reason}. */
    public synchronized void refuse(String taskId, String reason) {
        refusals.put(taskId, reason);
    }

    public synchronized int applyCount(String taskId) {
        return applies.getOrDefault(taskId, 0);
    }

    /**
     * Thaws the task behind the enforcer's back (someone else wrote the freezer); was it frozen.
     */
    public synchronized boolean thawQuietly(String taskId) {
        return frozen.remove(taskId);
    }

    public synchronized boolean isFrozen(String taskId) {
        return frozen.contains(taskId);
    }

    /** pid → group ("" = the task's own group) of the task's live processes. */
    public synchronized Map<Long, String> processes(String taskId) {
        return Map.copyOf(processes.getOrDefault(taskId, Map.of()));
    }

    /** The limits a split group got. */
    public synchronized Optional<Allocation> splitLimits(String taskId, String group) {
        return Optional.ofNullable(splits.getOrDefault(taskId, Map.of()).get(group));
    }

    private void requireTask(String taskId) throws EnforcementFailure {
        if (!limits.containsKey(taskId)) {
            throw new EnforcementFailure("task " + taskId + " has no cgroup");
        }
    }

    @Override
    public synchronized ResourceLimits apply(String taskId, Allocation allocation)
            throws EnforcementFailure {
        requireTask(taskId);
        if (refusals.containsKey(taskId)) {
            throw new EnforcementFailure(refusals.get(taskId));
        }
        ResourceLimits applied =
                ResourceLimits.newBuilder()
                        .setCpuCores(allocation.cpuCores())
                        .setMemoryBytes(allocation.memoryBytes())
                        .setPidsMax(
                                allocation.pidsMax() != null
                                        ? allocation.pidsMax()
                                        : limits.get(taskId).getPidsMax())
                        .setDiskReadBps(allocation.diskReadBps())
                        .setDiskWriteBps(allocation.diskWriteBps())
                        .build();
        if (allocation.cpusetCpus() != null) {
            cpusets.put(taskId, allocation.cpusetCpus());
        }
        limits.put(taskId, applied);
        applies.merge(taskId, 1, Integer::sum);
        return applied;
    }

    @Override
    public synchronized void freeze(String taskId) throws EnforcementFailure {
        requireTask(taskId);
        frozen.add(taskId);
    }

    @Override
    public synchronized void thaw(String taskId) throws EnforcementFailure {
        requireTask(taskId);
        frozen.remove(taskId);
    }

    @Override
    public synchronized void terminate(String taskId) throws EnforcementFailure {
        requireTask(taskId);
        processes.get(taskId).clear();
    }

    @Override
    public synchronized String split(String taskId, long pid, Allocation allocation)
            throws EnforcementFailure {
        requireTask(taskId);
        Map<Long, String> procs = processes.get(taskId);
        if (!procs.containsKey(pid)) {
            throw new EnforcementFailure("pid " + pid + " is not a process of task " + taskId);
        }
        String name = CgroupEffector.SPLIT_PREFIX + pid;
        for (long p : ProcessTree.subtree(pid, parents)) {
            if (procs.containsKey(p)) {
                procs.put(p, name);
            }
        }
        splits.computeIfAbsent(taskId, t -> new TreeMap<>()).put(name, allocation);
        return name;
    }

    @Override
    public synchronized Optional<ResourceLimits> limitsInForce(String taskId) {
        return Optional.ofNullable(limits.get(taskId));
    }

    @Override
    public synchronized Optional<EnforcedControls> controlsInForce(String taskId) {
        if (!limits.containsKey(taskId)) {
            return Optional.empty();
        }
        return Optional.of(
                EnforcedControls.newBuilder()
                        .setFrozen(frozen.contains(taskId))
                        .setCpusetCpus(cpusets.get(taskId))
                        .setSplitGroups(
                                new ArrayList<>(splits.getOrDefault(taskId, Map.of()).keySet()))
                        .build());
    }

    @Override
    public synchronized Optional<ResourceUsage> observe(String taskId) {
        if (!limits.containsKey(taskId)) {
            return Optional.empty();
        }
        return Optional.of(usage.getOrDefault(taskId, ResourceUsage.newBuilder().build()));
    }

    @Override
    public synchronized List<Long> splitPids(String taskId, String group) {
        return group.isEmpty() ? List.of() : pidsIn(taskId, group);
    }

    /** The task's processes in {@code group} ("" = its own), sorted. */
    public synchronized List<Long> pidsIn(String taskId, String group) {
        return processes.getOrDefault(taskId, Map.of()).entrySet().stream()
                .filter(e -> e.getValue().equals(group))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }
}
