package io.augur.actuator.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task networks and their controls on this host (root): ip, tc, nft, read back from the kernel. */
class TaskNetworkIT {
    @TempDir Path dir;
    final List<String> tasks = new ArrayList<>();
    TaskNetworks networks;

    @BeforeAll
    static void needsRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
    }

    @AfterEach
    void cleanUp() {
        tasks.forEach(t -> networks.destroy(t));
    }

    String task(String name) {
        String t = "net-" + UUID.randomUUID().toString().substring(0, 8) + "-" + name;
        tasks.add(t);
        return t;
    }

    TaskNetworks networks() {
        networks = new TaskNetworks(AddressPool.DEFAULT, dir.resolve("task-network.lock"));
        return networks;
    }

    static SystemCommands.Result connectFrom(TaskNetwork n, int port) {
        return SystemCommands.run(
                List.of(
                        "ip",
                        "netns",
                        "exec",
                        n.namespace(),
                        "timeout",
                        "3",
                        "bash",
                        "-c",
                        "echo hi > /dev/tcp/" + n.hostAddress() + "/" + port));
    }

    @Test
    void concurrentTasksGetTheirOwnLinksAndReachTheirHostEnd() throws Exception {
        TaskNetworks nets = networks();
        String a = task("a");
        String b = task("b");
        CompletableFuture<TaskNetwork> fa = CompletableFuture.supplyAsync(() -> nets.create(a));
        CompletableFuture<TaskNetwork> fb = CompletableFuture.supplyAsync(() -> nets.create(b));
        TaskNetwork na = fa.get();
        TaskNetwork nb = fb.get();
        assertThat(na.link().block()).isNotEqualTo(nb.link().block());
        assertThat(nets.find(a)).contains(na);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(na.hostAddress(), 0));
            assertThat(connectFrom(na, server.getLocalPort()).ok()).isTrue();
        }
        // Inside: loopback up, eth0 with the task address, default route via the host end.
        String inside = SystemCommands.check(List.of("ip", "-n", na.namespace(), "-4", "addr"));
        assertThat(inside).contains("127.0.0.1/8").contains(na.taskAddress() + "/30");
        assertThat(SystemCommands.check(List.of("ip", "-n", na.namespace(), "route")))
                .contains("default via " + na.hostAddress() + " dev eth0");
    }

    @Test
    void destroyIsIdempotentAndCreateRefusesAnExistingNamespace() {
        TaskNetworks nets = networks();
        String t = task("idem");
        TaskNetwork n = nets.create(t);
        assertThatThrownBy(() -> nets.create(t))
                .isInstanceOf(NetworkCommandException.class)
                .hasMessageContaining("already exists");
        assertThat(nets.find(t)).contains(n);
        nets.destroy(t);
        nets.destroy(t);
        assertThat(nets.find(t)).isEmpty();
        assertThat(Path.of("/run/netns", n.namespace())).doesNotExist();
        assertThat(Path.of("/sys/class/net", n.hostInterface())).doesNotExist();
    }

    @Test
    void badIdsAndMissingNetworksAreClearErrors() {
        TaskNetworks nets = networks();
        assertThatThrownBy(() -> nets.create("../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must match");
        assertThatThrownBy(() -> new LinuxNetworkEffector().read("no-such-task-net"))
                .isInstanceOf(NetworkCommandException.class)
                .hasMessageContaining("has no network");
    }

    @Test
    void controlsAreAppliedAndReadBackFromTheKernel() throws IOException {
        TaskNetworks nets = networks();
        String t = task("ctl");
        TaskNetwork n = nets.create(t);
        LinuxNetworkEffector e = new LinuxNetworkEffector();
        assertThat(e.read(t)).isEqualTo(NetworkPolicy.open());

        NetworkPolicy strict =
                NetworkPolicy.open()
                        .withBandwidth(500_000)
                        .withAllowList(List.of(Destination.parse(n.hostAddress() + ":8080")));
        e.apply(t, strict);
        e.apply(t, strict); // idempotent
        assertThat(e.read(t)).isEqualTo(strict);
        assertThat(Path.of("/sys/class/net", TaskNetNames.of(t).ingressInterface())).exists();

        e.apply(t, NetworkPolicy.off());
        assertThat(e.read(t)).isEqualTo(NetworkPolicy.off());
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(n.hostAddress(), 0));
            assertThat(connectFrom(n, server.getLocalPort()).ok()).isFalse();
            e.apply(t, NetworkPolicy.open());
            assertThat(e.read(t)).isEqualTo(NetworkPolicy.open());
            assertThat(Path.of("/sys/class/net", TaskNetNames.of(t).ingressInterface()))
                    .doesNotExist();
            SystemCommands.Result again = connectFrom(n, server.getLocalPort());
            assertThat(again.ok()).as(again.toString()).isTrue();
        }
        assertThat(Files.exists(Path.of("/run/netns", n.namespace()))).isTrue();
    }
}
