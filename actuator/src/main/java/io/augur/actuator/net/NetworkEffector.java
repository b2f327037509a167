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
}
