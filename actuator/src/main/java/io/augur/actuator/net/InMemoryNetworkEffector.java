package io.augur.actuator.net;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers policies per task; tasks must be {@link #add added} first, like a real network. */
public final class InMemoryNetworkEffector implements NetworkEffector {
    private final Map<String, NetworkPolicy> inForce = new ConcurrentHashMap<>();

    /** A task network now exists, open. */
    public void add(String taskId) {
        inForce.putIfAbsent(taskId, NetworkPolicy.open());
    }

    public void remove(String taskId) {
        inForce.remove(taskId);
    }

    @Override
    public void apply(String taskId, NetworkPolicy policy) {
        if (inForce.computeIfPresent(taskId, (id, old) -> policy) == null) {
            throw new NetworkCommandException("task " + taskId + " has no network");
        }
    }

    @Override
    public boolean hasNetwork(String taskId) {
        return inForce.containsKey(taskId);
    }

    @Override
    public NetworkPolicy read(String taskId) {
        NetworkPolicy p = inForce.get(taskId);
        if (p == null) {
            throw new NetworkCommandException("task " + taskId + " has no network");
        }
        return p;
    }
}
