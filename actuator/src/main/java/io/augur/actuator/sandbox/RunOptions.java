package io.augur.actuator.sandbox;

import io.augur.actuator.net.Destination;
import io.augur.actuator.net.NetworkPolicy;
import io.augur.cgroup.TaskCgroups;
import io.augur.cgroup.TaskIds;
import io.augur.launch.Arguments;
import io.augur.launch.CommandLine;
import io.augur.launch.UsageException;
import io.augur.schema.TrustLevel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./augur run}'s command line: options, then {@code --}, then the command.
 *
 * @param taskId the task (its cgroup, namespace and interface names derive from it)
 * @param userId who owns the task (TaskEvent.userId; not a Unix user: the command runs as the
 *     launcher's user)
 * @param role the task's workload role (TaskEvent.role)
 * @param baselineTrust the trust the launcher claims for the task (TaskEvent.baselineTrust; the
 *     decision functions start it at the lower of this and what its user's record allows)
 * @param cpuCores CPU quota in cores, or null for none
 * @param memoryBytes memory limit, or null for none
 * @param pidsMax process limit, or null for none
 * @param network the network controls at launch
 * @param profile the sandbox profile's name
 * @param profilesFile an operator's sandbox profiles file, or null for the shipped ones
 * @param bootstrap Kafka bootstrap servers for TaskEvents, or null for none
 * @param cgroupRoot the managed cgroup root
 * @param cgroupMount where the cgroup file systems are mounted (v1 when it has a v1 cpu hierarchy,
 *     else v2 when it is a unified hierarchy)
 * @param node this node's id (TaskEvent.nodeId)
 * @param command the command and its arguments
 */
public record RunOptions(
        String taskId,
        String userId,
        String role,
        TrustLevel baselineTrust,
        Double cpuCores,
        Long memoryBytes,
        Long pidsMax,
        NetworkPolicy network,
        String profile,
        Path profilesFile,
        String bootstrap,
        String cgroupRoot,
        Path cgroupMount,
        String node,
        List<String> command) {

    public static final String USAGE =
            """
            Usage: ./augur run --task ID [--user U] [--role R] [--trust LEVEL] [--cpu CORES]
                               [--memory SIZE] [--pids N] [--network on|off|RATE] [--allow DEST,...]
                               [--profile NAME] [--profiles FILE] [--bootstrap HOST:PORT]
                               [--cgroup-root NAME] [--cgroup-mount DIR] [--node ID]
                               -- COMMAND [ARG...]

            Runs COMMAND as task ID the way a node runs tasks, in the foreground: in the task's
            own cgroup (joined before the command's first instruction), in its own network
            namespace (augur-task-ID) joined to the host by a veth pair (host end av<hash>,
            10.231.0.0/16 cut in /30s: the host end is .1, the task's eth0 .2 and its default
            route), under a seccomp filter from a sandbox profile (via bubblewrap, which also
            gives it a private mount namespace over the same file system). Forwards SIGINT and
            SIGTERM to the command, exits with its exit status (128+N when killed by signal N),
            and removes the cgroup, namespace, veth pair and network controls when it ends.
            Needs root.

              --task ID              task id: [A-Za-z0-9][A-Za-z0-9._-]{0,127} (required)
              --user U               the task's owner, for its TaskEvents (default: local)
              --role R               the task's workload role, for its TaskEvents (default: default)
              --trust LEVEL          the baseline trust its STARTED event claims: high, medium
                                     or low (default: medium); the decision functions start
                                     the task at the lower of this and its user's record
              --cpu CORES            CPU quota in cores, e.g. 0.5 (default: none)
              --memory SIZE          memory limit: bytes, or with K, M, G (x1024) (default: none)
              --pids N               most processes and threads at once (default: none)
              --network MODE         on (default), off (host end down: no traffic either way)
                                     or RATE: shaped to RATE bytes/s in each direction, RATE a
                                     number with optional k, m, g (x1000), e.g. 1m = 1 MB/s
              --allow DEST,...       only these destinations (A.B.C.D[/N][:PORT], IPv4; a port
                                     means TCP and UDP to it); everything else the task sends is
                                     dropped; replies to connections opened towards it pass
              --profile NAME         launch sandbox profile: default, monitored, restricted,
                                     or one of --profiles (default: default). When another
                                     profile denies more, the task also runs under a seccomp
                                     supervisor
                                     (augur-seccomp) so that the enforcer can move it to a
                                     stricter profile while it runs, and back, never below
                                     NAME (state in /run/augur/seccomp)
              --profiles FILE        sandbox profiles JSON instead of the shipped ones
              --bootstrap HOST:PORT  register the task on augur.tasks: STARTED before the
                                     command starts, ENDED after it ended (default: no Kafka)
              --cgroup-root NAME     managed cgroup root (default: augur, as the enforcer's
                                     and the collector's)
              --cgroup-mount DIR     where cgroups are mounted: cgroup v1 when DIR/cpu is a v1
                                     hierarchy, else v2 when DIR is cgroup2 (default:
                                     /sys/fs/cgroup; e.g. /sys/fs/cgroup/unified for v2 on a
                                     hybrid node)
              --node ID              this node's id in TaskEvents (default: local)
              --help                 this text

            The command's environment also has AUGUR_TASK_ID, AUGUR_TASK_ADDRESS (its eth0)
            and AUGUR_HOST_ADDRESS (the host end: its gateway, where host services are reached).

            Exit status: the command's; 2 for bad arguments; 127 when COMMAND is not found; 1
            when the sandbox cannot be set up (the reason on stderr, nothing left behind).
            """;

    private static final Set<String> KNOWN =
            Set.of(
                    "task",
                    "user",
                    "role",
                    "trust",
                    "cpu",
                    "memory",
                    "pids",
                    "network",
                    "allow",
                    "profile",
                    "profiles",
                    "bootstrap",
                    "cgroup-root",
                    "cgroup-mount",
                    "node");

    private static final Pattern SIZE =
            Pattern.compile("(\\d+)([KMG]?)(i?B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern RATE = Pattern.compile("(\\d+)([kmg]?)", Pattern.CASE_INSENSITIVE);

    public static RunOptions parse(String[] args) throws UsageException {
        int dashes = Arrays.asList(args).indexOf("--");
        String[] options = dashes < 0 ? args : Arrays.copyOfRange(args, 0, dashes);
        Arguments a = CommandLine.arguments(options, KNOWN);
        if (dashes < 0 || dashes == args.length - 1) {
            throw UsageException.bad(
                    "missing the command: ./augur run [OPTIONS] -- COMMAND [ARG...]");
        }
        List<String> command = List.of(Arrays.copyOfRange(args, dashes + 1, args.length));
        String task = a.require("task");
        if (!TaskIds.isValid(task)) {
            throw UsageException.bad("--task: " + TaskIds.problem(task));
        }
        String root = a.getOrDefault("cgroup-root", "augur");
        if (!TaskIds.isValid(root)) {
            throw UsageException.bad(
                    "--cgroup-root must be a plain name like 'augur', got '"
                            + TaskIds.printable(root)
                            + "'");
        }
        String node = a.getOrDefault("node", "local");
        if (!TaskIds.isValid(node)) {
            throw UsageException.bad(
                    "--node: " + TaskIds.problem(node).replace("task id", "node id"));
        }
        String profile = a.getOrDefault("profile", "default");
        if (!profile.matches("[a-z][a-z0-9-]{0,63}")) {
            throw UsageException.bad(
                    "--profile must be a profile name like 'restricted', got '"
                            + TaskIds.printable(profile)
                            + "'");
        }
        NetworkPolicy network = network(a.getOrDefault("network", "on"));
        if (a.has("allow")) {
            network = network.withAllowList(allowList(a.get("allow")));
        }
        String trust = a.getOrDefault("trust", "medium");
        TrustLevel baselineTrust =
                switch (trust.toLowerCase(Locale.ROOT)) {
                    case "high" -> TrustLevel.HIGH;
                    case "medium" -> TrustLevel.MEDIUM;
                    case "low" -> TrustLevel.LOW;
                    default ->
                            throw UsageException.bad(
                                    "--trust must be high, medium or low, got '"
                                            + TaskIds.printable(trust)
                                            + "'");
                };
        String bootstrap = a.get("bootstrap");
        if (bootstrap != null && !bootstrap.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*")) {
            throw UsageException.bad(
                    "--bootstrap must be HOST:PORT[,HOST:PORT...], got '"
                            + TaskIds.printable(bootstrap)
                            + "'");
        }
        return new RunOptions(
                task,
                nonBlank(a, "user", "local"),
                nonBlank(a, "role", "default"),
                baselineTrust,
                a.has("cpu") ? a.positiveDouble("cpu", 0) : null,
                a.has("memory") ? size("memory", a.get("memory")) : null,
                a.has("pids") ? a.longAtLeast("pids", 0, 1) : null,
                network,
                profile,
                a.has("profiles") ? Path.of(a.get("profiles")) : null,
                bootstrap,
                root,
                a.has("cgroup-mount") ? Path.of(a.get("cgroup-mount")) : TaskCgroups.DEFAULT_MOUNT,
                node,
                command);
    }

    private static String nonBlank(Arguments a, String name, String fallback)
            throws UsageException {
        String v = a.getOrDefault(name, fallback);
        if (v.isBlank() || v.chars().anyMatch(c -> c < 0x20)) {
            throw UsageException.bad("--" + name + " must be a non-blank printable string");
        }
        return v;
    }

    static long size(String flag, String v) throws UsageException {
        Matcher m = SIZE.matcher(v.strip());
        if (!m.matches()) {
            throw UsageException.bad(
                    "--"
                            + flag
                            + " must be bytes, or a number with K, M or G, got '"
                            + TaskIds.printable(v)
                            + "'");
        }
        long n = Long.parseLong(m.group(1));
        int shift =
                switch (m.group(2).toUpperCase(Locale.ROOT)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    case "G" -> 30;
                    default -> 0;
                };
        if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
            throw UsageException.bad("--" + flag + " out of range: " + v);
        }
        return n << shift;
    }

    static NetworkPolicy network(String v) throws UsageException {
        switch (v) {
            case "on":
                return NetworkPolicy.open();
            case "off":
                return NetworkPolicy.off();
            default:
                Matcher m = RATE.matcher(v);
                if (!m.matches()) {
                    throw UsageException.bad(
                            "--network must be on, off or a rate in bytes/s like 1m, got '"
                                    + TaskIds.printable(v)
                                    + "'");
                }
                long n;
                try {
                    n = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw UsageException.bad("--network rate out of range: " + v);
                }
                long mult =
                        switch (m.group(2).toLowerCase(Locale.ROOT)) {
                            case "k" -> 1_000L;
                            case "m" -> 1_000_000L;
                            case "g" -> 1_000_000_000L;
                            default -> 1L;
                        };
                // tc takes the rate in bits per second as a 64-bit number; keep far below that.
                if (n < 1 || n > 100_000_000_000L / mult) {
                    throw UsageException.bad("--network rate must be in 1..100g bytes/s, got " + v);
                }
                return NetworkPolicy.open().withBandwidth(n * mult);
        }
    }

    static List<Destination> allowList(String v) throws UsageException {
        List<Destination> list = new ArrayList<>();
        for (String d : v.split(",", -1)) {
            if (d.isBlank()) {
                throw UsageException.bad(
                        "--allow: empty destination in '" + TaskIds.printable(v) + "'");
            }
            try {
                list.add(Destination.parse(d));
            } catch (IllegalArgumentException e) {
                throw UsageException.bad("--allow: " + e.getMessage());
            }
        }
        return list;
    }
}
