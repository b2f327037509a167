package io.augur.actuator.net;

/**
 * Applies network controls to a task's network and reads back what is in force (for acks). The
 * enforcer is meant to call it the way it calls its resource effector; {@link LinuxNetworkEffector}
 * acts on the host, {@link InMemoryNetworkEffector} is for tests of pure logic.
 */
public interface NetworkEffector {

    /**
     * Replaces the task's controls with {@code policy} (idempotent).
     *
     * @throws NetworkCommandException when the task has no network or the kernel refuses
     */
    void apply(String taskId, NetworkPolicy policy);

    /**
     * The controls in force, read back from where they live.
     *
     * @throws NetworkCommandException when the task has no network
     */
    NetworkPolicy read(String taskId);

    /** Whether the task has a network of its own to control (it was started by the launcher). */
    boolean hasNetwork(String taskId);

    /** For nodes whose tasks never have a network of their own: controls nothing. */
    NetworkEffector NONE =
            new NetworkEffector() {
                @Override
                public void apply(String taskId, NetworkPolicy policy) {
                    throw new NetworkCommandException("task " + taskId + " has no network");
                }

                @Override
                public NetworkPolicy read(String taskId) {
                    throw new NetworkCommandException("task " + taskId + " has no network");
                }

                @Override
                public boolean hasNetwork(String taskId) {
                    return false;
                }
            };
}
