package io.augur.actuator.net;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Network controls of a task's split-off process groups ({@code split-PID}), which share the task's
 * network namespace: they are enforced per socket, on the cgroup the socket's process was in when
 * it created it. {@link LinuxSplitNetworkEffector} on a node, {@link InMemorySplitNetworkEffector}
 * for tests.
 */
public interface SplitNetworkEffector {

    /**
     * Puts {@code policy} on the sockets of the task's split group {@code group}, whose processes
     * {@code pids} lists (asked again while they fork); a policy that {@link
     * SplitNetworkPolicy#isTasks is the task's} removes the group's own controls. Idempotent; the
     * other groups' controls stay.
     *
     * @throws NetworkCommandException when the task has no network or the kernel refuses
     */
    void apply(String taskId, String group, Supplier<List<Long>> pids, SplitNetworkPolicy policy);

    /** The controls in force per split group, read back from the kernel (empty: none). */
    Map<String, SplitNetworkPolicy> read(String taskId);

    /** Removes every split group's controls of the task (it was terminated). Idempotent. */
    void clear(String taskId);

    /** For nodes without split network controls: every split keeps the task's network. */
    SplitNetworkEffector NONE =
            new SplitNetworkEffector() {
                @Override
                public void apply(
                        String taskId,
                        String group,
                        Supplier<List<Long>> pids,
                        SplitNetworkPolicy policy) {
                    if (!policy.isTasks()) {
                        throw new NetworkCommandException(
                                "this enforcer controls no split group's network");
                    }
                }

                @Override
                public Map<String, SplitNetworkPolicy> read(String taskId) {
                    return Map.of();
                }

                @Override
                public void clear(String taskId) {}
            };
}
