package io.augur.actuator.net;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Remembers split groups' policies per task; for tests of pure logic. */
public final class InMemorySplitNetworkEffector implements SplitNetworkEffector {
    private final Map<String, Map<String, SplitNetworkPolicy>> inForce = new ConcurrentHashMap<>();

    @Override
    public void apply(
            String taskId, String group, Supplier<List<Long>> pids, SplitNetworkPolicy policy) {
        Map<String, SplitNetworkPolicy> groups =
                inForce.computeIfAbsent(taskId, t -> new TreeMap<>());
        if (policy.isTasks()) {
            groups.remove(group);
        } else {
            groups.put(group, policy);
        }
    }

    @Override
    public Map<String, SplitNetworkPolicy> read(String taskId) {
        return Map.copyOf(inForce.getOrDefault(taskId, Map.of()));
    }

    @Override
    public void clear(String taskId) {
        inForce.remove(taskId);
    }
}
