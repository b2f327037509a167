package io.augur.actuator.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.cgroup.TaskIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Split groups' network controls with nftables' {@code socket cgroupv2} match, inside the task's
 * own network namespace.
 *
 * <p>Why there: the split processes share the task's namespace, veth pair and addresses, so the
 * host side (where the task's own controls live) cannot tell their packets apart: a packet crossing
 * the veth pair into the host has lost its socket. Only in the task's namespace, on the output
 * hook, does a packet still carry the socket that sent it, and nftables matches the cgroup v2 group
 * that socket was created in. Hence:
 *
 * <ul>
 *   <li>Each split group has a cgroup v2 group {@code ROOT/TASK/split-PID} in the unified
 *       hierarchy. On a v2 node it is the split group itself; on a v1 (hybrid) node, where the
 *       unified hierarchy has no controllers, a group of that path is created there and the split
 *       processes are moved into it as well (it limits nothing; it only names their sockets).
 *       net_cls classids would do the same on v1 but are neither mounted here nor present on a
 *       v2-only node; the cgroup v2 match works on both.
 *   <li>Table {@code inet augur_split} in the task's namespace, one output chain: per group with
 *       its network off, everything its sockets send beyond loopback is dropped (the sender gets
 *       EPERM at once); per group with an allow-list, replies and listed destinations pass, the
 *       rest beyond loopback is dropped. Rule comments name the group and are read back.
 * </ul>
 *
 * <p>Limits, stated: a socket keeps the cgroup it was created in, so a socket the process opened
 * <em>before</em> the split is not matched (its connections continue); only new sockets are. The
 * rules live inside the task's namespace, where a task running as root could delete them (its own
 * controls, on the host side, it cannot). Bandwidth of a split group is not controlled (its traffic
 * is shaped with the task's).
 */
public final class LinuxSplitNetworkEffector implements SplitNetworkEffector {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxSplitNetworkEffector.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The table in each task's namespace. */
    public static final String TABLE = "augur_split";

    static final Pattern GROUP = Pattern.compile("split-[1-9][0-9]{0,9}");
    private static final Path DEFAULT_CGROUP_MOUNT = Path.of("/sys/fs/cgroup");
    private static final Duration MOVE_DEADLINE = Duration.ofSeconds(5);

    private final String rootName;
    private final Path cgroup2;
    private final boolean ownsGroups;

    /**
     * @param rootName the managed cgroup root (the enforcer's {@code --cgroup-root})
     * @param cgroup2 where the unified hierarchy is mounted
     * @param ownsGroups whether the split groups there are this effector's own (a v1 node's unified
     *     hierarchy: created and removed here) rather than the task's real split groups (a v2 node)
     */
    public LinuxSplitNetworkEffector(String rootName, Path cgroup2, boolean ownsGroups) {
        this.rootName = rootName;
        this.cgroup2 = cgroup2;
        this.ownsGroups = ownsGroups;
        SystemCommands.require("nft", "nftables");
        SystemCommands.require("nsenter", "util-linux");
    }

    /** The first cgroup2 mount of this host, from {@code /proc/self/mountinfo}. */
    public static Optional<Path> cgroup2Mount() {
        try {
            return cgroup2Mount(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first cgroup2 mount point in a mountinfo text ({@code /sys/fs/cgroup} first). */
    static Optional<Path> cgroup2Mount(String mountinfo) {
        List<Path> found = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] after = line.substring(dash + 3).split(" ");
            String[] before = line.substring(0, dash).split(" ");
            if (after.length > 0 && after[0].equals("cgroup2") && before.length > 4) {
                found.add(Path.of(before[4].replace("\\040", " ")));
            }
        }
        return found.contains(DEFAULT_CGROUP_MOUNT)
                ? Optional.of(DEFAULT_CGROUP_MOUNT)
                : found.stream().findFirst();
    }

    /** The group's path relative to the unified hierarchy's root, as nftables names it. */
    String path(String taskId, String group) {
        return rootName + "/" + taskId + "/" + group;
    }

    /** The nftables script that replaces the namespace's split table. Pure. */
    static String script(Map<String, String> paths, Map<String, SplitNetworkPolicy> groups) {
        String t = "inet " + TABLE;
        StringBuilder s = new StringBuilder();
        s.append("table ").append(t).append("\n");
        s.append("delete table ").append(t).append("\n");
        if (groups.isEmpty()) {
            return s.toString();
        }
        s.append("table ").append(t).append(" {\n");
        s.append("  chain output {\n");
        s.append("    type filter hook output priority filter; policy accept;\n");
        for (Map.Entry<String, SplitNetworkPolicy> e : groups.entrySet()) {
            String g = e.getKey();
            String p = paths.get(g);
            String match = "    socket cgroupv2 level " + p.split("/").length + " \"" + p + "\" ";
            SplitNetworkPolicy policy = e.getValue();
            if (!policy.enabled()) {
                s.append(match)
                        .append("oifname != \"lo\" drop comment \"")
                        .append(g)
                        .append(" off\"\n");
                continue;
            }
            s.append(match)
                    .append("ct direction reply accept comment \"")
                    .append(g)
                    .append(" reply\"\n");
            for (Destination d : policy.allowList()) {
                s.append(match).append("ip daddr ").append(d.cidr());
                if (d.port() != 0) {
                    s.append(" meta l4proto { tcp, udp } th dport ").append(d.port());
                }
                s.append(" accept comment \"").append(g).append(" allow ").append(d).append("\"\n");
            }
            s.append(match)
                    .append("oifname != \"lo\" drop comment \"")
                    .append(g)
                    .append(" drop\"\n");
        }
        s.append("  }\n}\n");
        return s.toString();
    }

    /** Reads the groups' policies back from {@code nft -j} output. Pure. */
    static Map<String, SplitNetworkPolicy> parse(String json) {
        Map<String, Boolean> enabled = new LinkedHashMap<>();
        Map<String, List<Destination>> allow = new LinkedHashMap<>();
        try {
            for (JsonNode item : JSON.readTree(json).path("nftables")) {
                String comment = item.path("rule").path("comment").asText("");
                String[] f = comment.split(" ", 3);
                if (f.length < 2 || !GROUP.matcher(f[0]).matches()) {
                    continue;
                }
                switch (f[1]) {
                    case "off" -> enabled.put(f[0], false);
                    case "reply", "drop" -> {
                        enabled.putIfAbsent(f[0], true);
                        allow.computeIfAbsent(f[0], g -> new ArrayList<>());
                    }
                    case "allow" -> {
                        enabled.putIfAbsent(f[0], true);
                        allow.computeIfAbsent(f[0], g -> new ArrayList<>())
                                .add(Destination.parse(f[2]));
                    }
                    default -> {}
                }
            }
        } catch (IOException e) {
            throw new NetworkCommandException("cannot read 'nft -j' output: " + e.getMessage());
        }
        Map<String, SplitNetworkPolicy> out = new TreeMap<>();
        enabled.forEach(
                (g, on) -> out.put(g, new SplitNetworkPolicy(on, on ? allow.get(g) : null)));
        return out;
    }

    /**
     * {@inheritDoc} The processes {@code pids} lists are moved into the group's unified group too,
     * listed again until every one is there (a process forked meanwhile is caught).
     */
    @Override
    public void apply(
            String taskId, String group, Supplier<List<Long>> pids, SplitNetworkPolicy policy) {
        TaskNetNames n = TaskNetNames.of(taskId);
        if (!GROUP.matcher(group).matches()) {
            throw new IllegalArgumentException("not a split group name: " + group);
        }
        if (!TaskNetworks.namespaceExists(n)) {
            throw new NetworkCommandException("task " + taskId + " has no network namespace");
        }
        Map<String, SplitNetworkPolicy> groups = new TreeMap<>(read(taskId));
        if (policy.isTasks()) {
            groups.remove(group);
        } else {
            moveInto(taskId, group, pids);
            groups.put(group, policy);
        }
        Map<String, String> paths = new TreeMap<>();
        groups.keySet().forEach(g -> paths.put(g, path(taskId, g)));
        nft(n, List.of("-f", "-"), script(paths, groups));
    }

    /** Puts every process of the split group into its unified group too (until none is left). */
    private void moveInto(String taskId, String group, Supplier<List<Long>> pids) {
        Path dir = cgroup2.resolve(path(taskId, group));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new NetworkCommandException("cannot create " + dir + ": " + e.getMessage());
        }
        Path procs = dir.resolve("cgroup.procs");
        long deadline = System.nanoTime() + MOVE_DEADLINE.toNanos();
        while (true) {
            Set<Long> missing = new HashSet<>(pids.get());
            missing.removeAll(readPids(procs));
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new NetworkCommandException(
                        "processes " + missing + " did not join " + dir + " in " + MOVE_DEADLINE);
            }
            for (long pid : missing) {
                try {
                    Files.writeString(procs, Long.toString(pid));
                } catch (IOException e) {
                    LOG.debug("pid {} not moved to {}: {}", pid, dir, e.getMessage()); // exited
                }
            }
        }
    }

    private static Set<Long> readPids(Path procs) {
        Set<Long> out = new HashSet<>();
        try {
            for (String l : Files.readAllLines(procs, StandardCharsets.UTF_8)) {
                if (!l.isBlank()) {
                    out.add(Long.parseLong(l.trim()));
                }
            }
        } catch (IOException e) {
            throw new NetworkCommandException("cannot read " + procs + ": " + e.getMessage());
        }
        return out;
    }

    @Override
    public Map<String, SplitNetworkPolicy> read(String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        if (!TaskNetworks.namespaceExists(n)) {
            return Map.of();
        }
        SystemCommands.Result r = nftRun(n, List.of("-j", "list", "table", "inet", TABLE), null);
        if (!r.ok()) {
            if (r.stderr().contains("No such file")) {
                return Map.of();
            }
            throw new NetworkCommandException(
                    "cannot read table " + TABLE + " of " + taskId + ": " + r.stderr().strip());
        }
        return parse(r.stdout());
    }

    @Override
    public void clear(String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        if (TaskNetworks.namespaceExists(n)) {
            nft(n, List.of("-f", "-"), script(Map.of(), Map.of()));
        }
        if (ownsGroups) {
            removeGroups(cgroup2, rootName, taskId);
        }
    }

    /**
     * Removes a task's unified groups that only named split sockets (a v1 node), once their
     * processes are gone; a group still holding processes stays (logged). For the launcher's
     * cleanup and {@link #clear}.
     */
    public static void removeGroups(Path cgroup2, String rootName, String taskId) {
        TaskIds.requireValid(taskId);
        Path task = cgroup2.resolve(rootName).resolve(taskId);
        if (!Files.isDirectory(task)) {
            return;
        }
        try (DirectoryStream<Path> groups = Files.newDirectoryStream(task, "split-*")) {
            for (Path g : groups) {
                try {
                    Files.deleteIfExists(g);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", g, e.getMessage());
                }
            }
            Files.deleteIfExists(task);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", task, e.getMessage());
        }
    }

    private void nft(TaskNetNames n, List<String> args, String stdin) {
        SystemCommands.Result r = nftRun(n, args, stdin);
        if (!r.ok()) {
            throw new NetworkCommandException(
                    "nft in "
                            + n.namespace()
                            + " failed (exit "
                            + r.exitCode()
                            + "): "
                            + (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip());
        }
    }

    /**
     * Runs nft in the task's namespace. nft resolves a {@code socket cgroupv2} path under {@code
     * /sys/fs/cgroup}; where the unified hierarchy is mounted elsewhere (a hybrid node), nft runs
     * in a private mount namespace with it bound there. {@code nsenter --net}, not {@code ip netns
     * exec}: the latter remounts {@code /sys}, which hides the cgroup mounts.
     */
    private SystemCommands.Result nftRun(TaskNetNames n, List<String> args, String stdin) {
        String netns = "--net=/run/netns/" + n.namespace();
        List<String> argv = new ArrayList<>();
        if (cgroup2.equals(DEFAULT_CGROUP_MOUNT)) {
            argv.addAll(List.of("nsenter", netns, "nft"));
        } else {
            // sh -c SCRIPT MOUNT NETNS ARGS...: $0 is the mount, $1 the namespace, then nft's.
            argv.addAll(
                    List.of(
                            "unshare",
                            "--mount",
                            "--propagation",
                            "private",
                            "sh",
                            "-c",
                            "m=$0; ns=$1; shift; mount --bind \"$m\" /sys/fs/cgroup"
                                    + " && exec nsenter \"$ns\" nft \"$@\"",
                            cgroup2.toString(),
                            netns));
        }
        argv.addAll(args);
        return SystemCommands.run(argv, stdin);
    }
}
