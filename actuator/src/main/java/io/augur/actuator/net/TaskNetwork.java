package io.augur.actuator.net;

/**
 * One task's network as it exists on the host: its namespace, the veth pair that joins it to the
 * host and the point-to-point addresses on either end.
 */
public record TaskNetwork(TaskNetNames names, AddressPool.Link link) {

    public String taskId() {
        return names.taskId();
    }

    public String namespace() {
        return names.namespace();
    }

    public String hostInterface() {
        return names.hostInterface();
    }

    /** The host end's address: the task's default gateway, reachable from inside. */
    public String hostAddress() {
        return link.hostAddress();
    }

    public String taskAddress() {
        return link.taskAddress();
    }
}
