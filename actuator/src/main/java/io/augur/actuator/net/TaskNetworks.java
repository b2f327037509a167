package io.augur.actuator.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and removes task networks on this Linux host with {@code ip}: per task a named network
 * namespace, a veth pair (host end {@code av…} in the host namespace, task end renamed {@code eth0}
 * inside), a {@code /30} from the {@link AddressPool}, loopback up and a default route via the host
 * end. No NAT and no forwarding is set up: the task reaches the host end's address and nothing
 * beyond it unless the host forwards.
 *
 * <p>Address collisions between concurrent launchers are avoided with an exclusive file lock
 * ({@code /run/augur/task-network.lock}) held from reading the addresses in use on the host's
 * interfaces until the new host end has its address: the kernel's interface table is the only
 * record of what is taken, so a crashed launcher leaks no lease.
 */
public final class TaskNetworks {
    private static final Logger LOG = LoggerFactory.getLogger(TaskNetworks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The lock shared by every launcher on the node. */
    public static final Path DEFAULT_LOCK = Path.of("/run/augur/task-network.lock");

    private final AddressPool pool;
    private final Path lockFile;
    private final String ip;

    public TaskNetworks(AddressPool pool, Path lockFile) {
        this.pool = pool;
        this.lockFile = lockFile;
        this.ip = SystemCommands.require("ip", "iproute2").toString();
    }

    public static TaskNetworks onThisHost() {
        return new TaskNetworks(AddressPool.DEFAULT, DEFAULT_LOCK);
    }

    public AddressPool pool() {
        return pool;
    }

    /**
     * Creates the task's network. On any failure whatever was created is removed again.
     *
     * @throws IllegalArgumentException when the task id is invalid
     * @throws NetworkCommandException when the namespace already exists or a command fails
     */
    public TaskNetwork create(String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        if (namespaceExists(n)) {
            throw new NetworkCommandException(
                    "network namespace "
                            + n.namespace()
                            + " already exists: task "
                            + taskId
                            + " is running, or a launcher died without cleaning up (remove it"
                            + " with: ip netns del "
                            + n.namespace()
                            + "; ip link del "
                            + n.hostInterface()
                            + ")");
        }
        // Outside the try: when this fails (another launcher just created it), it is not ours.
        SystemCommands.check(List.of(ip, "netns", "add", n.namespace()));
        try {
            SystemCommands.check(
                    List.of(
                            ip,
                            "link",
                            "add",
                            n.hostInterface(),
                            "type",
                            "veth",
                            "peer",
                            "name",
                            n.peerInterface(),
                            "netns",
                            n.namespace()));
            SystemCommands.check(
                    List.of(
                            ip,
                            "-n",
                            n.namespace(),
                            "link",
                            "set",
                            n.peerInterface(),
                            "name",
                            TaskNetNames.TASK_INTERFACE));
            AddressPool.Link link = assignHostAddress(n);
            SystemCommands.check(List.of(ip, "link", "set", n.hostInterface(), "up"));
            inside(n, "addr", "add", link.taskCidr(), "dev", TaskNetNames.TASK_INTERFACE);
            inside(n, "link", "set", "lo", "up");
            inside(n, "link", "set", TaskNetNames.TASK_INTERFACE, "up");
            inside(n, "route", "add", "default", "via", link.hostAddress());
            LOG.info(
                    "task {}: namespace {}, {} {} <-> eth0 {}",
                    taskId,
                    n.namespace(),
                    n.hostInterface(),
                    link.hostCidr(),
                    link.taskCidr());
            return new TaskNetwork(n, link);
        } catch (RuntimeException e) {
            try {
                destroy(taskId);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The task's network when its namespace and host end exist. */
    public Optional<TaskNetwork> find(String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        if (!namespaceExists(n) || !interfaceExists(n.hostInterface())) {
            return Optional.empty();
        }
        for (JsonNode addr : addresses(n.hostInterface())) {
            int block = pool.blockOf(addr.path("local").asText());
            if (block >= 0) {
                return Optional.of(new TaskNetwork(n, pool.link(block)));
            }
        }
        return Optional.empty();
    }

    /**
     * Removes the namespace, the veth pair, the shaping device and the allow-list table.
     * Idempotent: what is already gone is skipped.
     */
    public void destroy(String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        if (namespaceExists(n)) {
            // Deleting the namespace deletes its end of the veth pair, and so the pair.
            SystemCommands.check(List.of(ip, "netns", "del", n.namespace()));
        }
        for (String dev : List.of(n.hostInterface(), n.ingressInterface())) {
            if (interfaceExists(dev)) {
                SystemCommands.Result r = SystemCommands.run(List.of(ip, "link", "del", dev));
                if (!r.ok() && interfaceExists(dev)) {
                    throw new NetworkCommandException(
                            "cannot remove " + dev + ": " + r.stderr().strip());
                }
            }
        }
        NetworkFilters.removeTable(n.filterTable());
        NetworkFilters.removeTable(n.restrictionTable());
    }

    public static boolean namespaceExists(TaskNetNames n) {
        return Files.exists(Path.of("/run/netns", n.namespace()));
    }

    public static boolean interfaceExists(String dev) {
        return Files.exists(Path.of("/sys/class/net", dev));
    }

    /**
     * Whether nftables table {@code inet table} exists in this (the host's) network namespace;
     * false without nft, where no table can exist.
     */
    public static boolean tableExists(String table) {
        return NetworkFilters.exists(table);
    }

    /** FileLock is per process: threads of one launcher JVM queue here first. */
    private static final Object IN_PROCESS = new Object();

    private AddressPool.Link assignHostAddress(TaskNetNames n) {
        synchronized (IN_PROCESS) {
            return assignHostAddressLocked(n);
        }
    }

    private AddressPool.Link assignHostAddressLocked(TaskNetNames n) {
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch =
                            FileChannel.open(
                                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                Set<Integer> used = new HashSet<>();
                for (JsonNode addr : addresses(null)) {
                    int block = pool.blockOf(addr.path("local").asText());
                    if (block >= 0) {
                        used.add(block);
                    }
                }
                AddressPool.Link link = pool.allocate(n.taskId(), used);
                SystemCommands.check(
                        List.of(ip, "addr", "add", link.hostCidr(), "dev", n.hostInterface()));
                return link;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    /** IPv4 address entries ({@code addr_info}) of one interface, or of all when dev is null. */
    private List<JsonNode> addresses(String dev) {
        String out =
                SystemCommands.check(
                        dev == null
                                ? List.of(ip, "-j", "-4", "addr", "show")
                                : List.of(ip, "-j", "-4", "addr", "show", "dev", dev));
        try {
            List<JsonNode> result = new java.util.ArrayList<>();
            for (JsonNode iface : JSON.readTree(out.isBlank() ? "[]" : out)) {
                iface.path("addr_info").forEach(result::add);
            }
            return result;
        } catch (IOException e) {
            throw new NetworkCommandException("cannot read 'ip -j addr' output: " + e.getMessage());
        }
    }

    private void inside(TaskNetNames n, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of(ip, "-n", n.namespace()));
        argv.addAll(List.of(args));
        SystemCommands.check(argv);
    }
}
