package io.augur.actuator.net;

import java.util.List;

/**
 * The network of one split-off process group of a task, within the task's own (the group shares the
 * task's namespace, link and launch allow-list).
 *
 * @param enabled false: the group's sockets send nothing beyond the namespace's loopback
 * @param allowList destinations the group's sockets may open connections to (and nothing else
 *     beyond loopback), or null for whatever the task may reach
 */
public record SplitNetworkPolicy(boolean enabled, List<Destination> allowList) {

    public SplitNetworkPolicy {
        allowList = allowList == null ? null : List.copyOf(allowList);
    }

    /** Whether the group's network is the task's (nothing of its own to enforce). */
    public boolean isTasks() {
        return enabled && allowList == null;
    }

    /** For acks and logs. */
    public String describe() {
        if (!enabled) {
            return "network off";
        }
        if (allowList == null) {
            return "the task's network";
        }
        return allowList.isEmpty()
                ? "no destination beyond loopback"
                : "destinations " + Destinations.format(allowList);
    }
}
