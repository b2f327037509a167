package io.augur.deploy.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SandboxLeftovers} of a pretend host: what each task's dead launcher left, removed on
 * request, every removal noted in a shared event list (to check it came after the kill).
 */
final class InMemorySandboxLeftovers implements SandboxLeftovers {
    private final Map<String, List<String>> left = new HashMap<>();
    private final List<String> events;
    private String failure;

    InMemorySandboxLeftovers(List<String> events) {
        this.events = events;
    }

    InMemorySandboxLeftovers leave(String taskId, String... what) {
        left.put(taskId, new ArrayList<>(List.of(what)));
        return this;
    }

    /** Every removal fails with this message from now on. */
    InMemorySandboxLeftovers failing(String message) {
        this.failure = message;
        return this;
    }

    List<String> left(String taskId) {
        return left.getOrDefault(taskId, List.of());
    }

    @Override
    public List<String> remove(String taskId) {
        events.add("remove " + taskId);
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        List<String> removed = left.remove(taskId);
        return removed == null ? List.of() : removed;
    }
}
