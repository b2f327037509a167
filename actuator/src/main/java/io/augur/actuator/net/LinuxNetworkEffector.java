package io.augur.actuator.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * Network controls on the host side of a task's veth pair, where the task cannot undo them:
 *
 * <ul>
 *   <li>off: the host end is set down, so the task's {@code eth0} has no carrier; on: up again.
 *   <li>bandwidth: traffic <em>to</em> the task is shaped by a {@code tbf} qdisc on the host end's
 *       egress; traffic <em>from</em> the task arrives on the host end's ingress, is redirected
 *       ({@code u32} match-all, {@code mirred}) to an {@code ifb} device of its own ({@code ai…})
 *       and shaped there by a second {@code tbf}. Both directions get the same rate.
 *   <li>allow-list: an nftables table of the task's own (see {@link NetworkFilters}); a decision's
 *       restriction: a second table of the same form, so a connection must pass both.
 * </ul>
 *
 * Reads back from the kernel: the link's UP flag, the {@code tbf} rate and the table's rules.
 */
public final class LinuxNetworkEffector implements NetworkEffector {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Queueing delay tbf allows before it drops (bounds the queue, not the rate). */
    static final String TBF_LATENCY = "100ms";

    private final String ip;
    private final String tc;

    public LinuxNetworkEffector() {
        this.ip = SystemCommands.require("ip", "iproute2").toString();
        this.tc = SystemCommands.require("tc", "iproute2").toString();
    }

    @Override
    public void apply(String taskId, NetworkPolicy policy) {
        TaskNetNames n = existing(taskId);
        if (policy.bandwidthBytesPerSecond() == null) {
            unshape(n);
        } else {
            shape(n, policy.bandwidthBytesPerSecond());
        }
        if (policy.allowList() == null) {
            NetworkFilters.removeTable(n.filterTable());
        } else {
            NetworkFilters.apply(n, n.filterTable(), policy.allowList());
        }
        if (policy.restriction() == null) {
            NetworkFilters.removeTable(n.restrictionTable());
        } else {
            NetworkFilters.apply(n, n.restrictionTable(), policy.restriction());
        }
        boolean wasUp = linkUp(n);
        SystemCommands.check(
                List.of(ip, "link", "set", n.hostInterface(), policy.enabled() ? "up" : "down"));
        if (policy.enabled() && !wasUp) {
            // Addresses the task tried to reach while off are cached as unreachable (FAILED
            // neighbours: "No route to host" for a while); forget them on both ends.
            SystemCommands.check(List.of(ip, "neigh", "flush", "dev", n.hostInterface()));
            SystemCommands.check(
                    List.of(
                            ip,
                            "-n",
                            n.namespace(),
                            "neigh",
                            "flush",
                            "dev",
                            TaskNetNames.TASK_INTERFACE));
        }
    }

    private boolean linkUp(TaskNetNames n) {
        for (JsonNode link : json(List.of(ip, "-j", "link", "show", "dev", n.hostInterface()))) {
            for (JsonNode flag : link.path("flags")) {
                if (flag.asText().equals("UP")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean hasNetwork(String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        return TaskNetworks.namespaceExists(n) && TaskNetworks.interfaceExists(n.hostInterface());
    }

    @Override
    public NetworkPolicy read(String taskId) {
        TaskNetNames n = existing(taskId);
        return new NetworkPolicy(
                linkUp(n),
                tbfRate(n.hostInterface()),
                NetworkFilters.read(n.filterTable()),
                NetworkFilters.read(n.restrictionTable()));
    }

    /** tbf's burst: 40 ms at the rate, at least 16 KiB (several full-size packets). */
    static long burstBytes(long bytesPerSecond) {
        return Math.max(16 * 1024, bytesPerSecond / 25);
    }

    private void shape(TaskNetNames n, long bytesPerSecond) {
        List<String> tbf =
                List.of(
                        "root",
                        "tbf",
                        "rate",
                        (bytesPerSecond * 8) + "bit",
                        "burst",
                        Long.toString(burstBytes(bytesPerSecond)),
                        "latency",
                        TBF_LATENCY);
        // To the task: the host end's egress.
        SystemCommands.check(
                concat(List.of(tc, "qdisc", "replace", "dev", n.hostInterface()), tbf));
        // From the task: the host end's ingress, redirected to the task's ifb and shaped there.
        String ifb = n.ingressInterface();
        if (!TaskNetworks.interfaceExists(ifb)) {
            SystemCommands.check(List.of(ip, "link", "add", ifb, "type", "ifb"));
        }
        SystemCommands.check(List.of(ip, "link", "set", ifb, "up"));
        SystemCommands.check(concat(List.of(tc, "qdisc", "replace", "dev", ifb), tbf));
        if (!hasIngressQdisc(n.hostInterface())) {
            SystemCommands.check(
                    List.of(
                            tc,
                            "qdisc",
                            "add",
                            "dev",
                            n.hostInterface(),
                            "handle",
                            "ffff:",
                            "ingress"));
            SystemCommands.check(
                    List.of(
                            tc,
                            "filter",
                            "add",
                            "dev",
                            n.hostInterface(),
                            "parent",
                            "ffff:",
                            "protocol",
                            "all",
                            "pref",
                            "1",
                            "u32",
                            "match",
                            "u32",
                            "0",
                            "0",
                            "action",
                            "mirred",
                            "egress",
                            "redirect",
                            "dev",
                            ifb));
        }
    }

    private void unshape(TaskNetNames n) {
        if (tbfRate(n.hostInterface()) != null) {
            SystemCommands.check(List.of(tc, "qdisc", "del", "dev", n.hostInterface(), "root"));
        }
        if (hasIngressQdisc(n.hostInterface())) {
            SystemCommands.check(List.of(tc, "qdisc", "del", "dev", n.hostInterface(), "ingress"));
        }
        if (TaskNetworks.interfaceExists(n.ingressInterface())) {
            SystemCommands.check(List.of(ip, "link", "del", n.ingressInterface()));
        }
    }

    private Long tbfRate(String dev) {
        for (JsonNode q : json(List.of(tc, "-j", "qdisc", "show", "dev", dev))) {
            if (q.path("kind").asText().equals("tbf") && q.path("root").asBoolean()) {
                return q.path("options").path("rate").asLong();
            }
        }
        return null;
    }

    private boolean hasIngressQdisc(String dev) {
        for (JsonNode q : json(List.of(tc, "-j", "qdisc", "show", "dev", dev))) {
            if (q.path("kind").asText().equals("ingress")) {
                return true;
            }
        }
        return false;
    }

    private static TaskNetNames existing(String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        if (!TaskNetworks.interfaceExists(n.hostInterface())) {
            throw new NetworkCommandException(
                    "task " + taskId + " has no network (no interface " + n.hostInterface() + ")");
        }
        return n;
    }

    private static JsonNode json(List<String> argv) {
        String out = SystemCommands.check(argv);
        try {
            return JSON.readTree(out.isBlank() ? "[]" : out);
        } catch (IOException e) {
            throw new NetworkCommandException(
                    "cannot read the output of " + String.join(" ", argv) + ": " + e.getMessage());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
