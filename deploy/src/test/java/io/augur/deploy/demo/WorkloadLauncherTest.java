package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.actuator.net.NetworkPolicy;
import io.augur.actuator.sandbox.RunOptions;
import io.augur.schema.ResourceLimits;
import io.augur.schema.TrustLevel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line each demo workload is started with is one {@code ./augur run} accepts. */
class WorkloadLauncherTest {

    private static final Workload SHOP =
            new Workload(
                    "shop-1a2b3c",
                    "carol",
                    "service",
                    Workload.HOSTILE,
                    "io.augur.deploy.workload.OrderService",
                    List.of("--sink", "gateway:4000"),
                    Workload.SHOP_PACKAGES);

    private static final List<String> COMMAND =
            List.of("/usr/bin/java", "-cp", "deploy/target/classes", "Main", "--", "x");

    @Test
    void theLaunchIsTheTasksIdentityLimitsNetworkAndProfile() throws Exception {
        ResourceLimits initial =
                ResourceLimits.newBuilder()
                        .setCpuCores(1.0)
                        .setMemoryBytes(1L << 30)
                        .setPidsMax(512L)
                        .setNetworkEnabled(true)
                        .build();
        List<String> args =
                WorkloadLauncher.runArgs(
                        SHOP,
                        initial,
                        "127.0.0.1:9092",
                        "node-1",
                        "augur-demo-1a2b3c",
                        "default",
                        COMMAND);

        RunOptions o = RunOptions.parse(args.toArray(String[]::new));
        assertThat(o.taskId()).isEqualTo("shop-1a2b3c");
        assertThat(o.userId()).isEqualTo("carol");
        assertThat(o.role()).isEqualTo("service");
        assertThat(o.baselineTrust()).isEqualTo(TrustLevel.HIGH);
        assertThat(o.cpuCores()).isEqualTo(1.0);
        assertThat(o.memoryBytes()).isEqualTo(1L << 30);
        assertThat(o.pidsMax()).isEqualTo(512L);
        assertThat(o.network()).as("its own namespace, open").isEqualTo(NetworkPolicy.open());
        assertThat(o.profile()).isEqualTo("default");
        assertThat(o.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(o.cgroupRoot()).isEqualTo("augur-demo-1a2b3c");
        assertThat(o.node()).isEqualTo("node-1");
        assertThat(o.command()).as("everything after the first --").isEqualTo(COMMAND);
    }

    @Test
    void aLaunchWithoutNetworkOrWithABandwidthSaysSo() throws Exception {
        ResourceLimits off = ResourceLimits.newBuilder().setNetworkEnabled(false).build();
        RunOptions o =
                RunOptions.parse(
                        WorkloadLauncher.runArgs(SHOP, off, "h:1", "n", "r", "default", COMMAND)
                                .toArray(String[]::new));
        assertThat(o.network()).isEqualTo(NetworkPolicy.off());
        assertThat(o.cpuCores()).isNull();
        assertThat(o.pidsMax()).isNull();

        ResourceLimits shaped =
                ResourceLimits.newBuilder()
                        .setNetworkEnabled(true)
                        .setNetworkBandwidthBps(1_000_000L)
                        .build();
        o =
                RunOptions.parse(
                        WorkloadLauncher.runArgs(SHOP, shaped, "h:1", "n", "r", "default", COMMAND)
                                .toArray(String[]::new));
        assertThat(o.network().bandwidthBytesPerSecond()).isEqualTo(1_000_000L);
    }

    @Test
    void theContentionScenariosTasksAreLaunchedWithTheirOwnTrustAndCpu() throws Exception {
        ResourceLimits initial =
                ResourceLimits.newBuilder().setCpuCores(1.0).setNetworkEnabled(true).build();
        List<Workload> mix = Workload.contentionMix("1a2b3c");
        RunOptions miner =
                RunOptions.parse(
                        WorkloadLauncher.runArgs(
                                        mix.get(0), initial, "h:1", "n", "r", "default", COMMAND)
                                .toArray(String[]::new));
        assertThat(miner.taskId()).isEqualTo("miner-1a2b3c");
        assertThat(miner.baselineTrust()).isEqualTo(TrustLevel.MEDIUM);
        assertThat(miner.cpuCores()).isEqualTo(0.8);
        assertThat(mix.get(0).startsLater()).isFalse();

        RunOptions steady =
                RunOptions.parse(
                        WorkloadLauncher.runArgs(
                                        mix.get(1), initial, "h:1", "n", "r", "default", COMMAND)
                                .toArray(String[]::new));
        assertThat(steady.taskId()).isEqualTo("steady-1a2b3c");
        assertThat(steady.baselineTrust()).isEqualTo(TrustLevel.HIGH);
        assertThat(steady.cpuCores()).isEqualTo(0.5);
        assertThat(mix.get(1).startsLater()).isTrue();
    }
}
