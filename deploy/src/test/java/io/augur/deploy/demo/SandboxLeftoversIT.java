package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.actuator.net.TaskNetNames;
import io.augur.actuator.net.TaskNetworks;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.JavaProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox launcher ({@code ./augur run}) SIGKILLed while its task runs leaves the task's cgroup,
 * network namespace, veth pair and allow-list table; {@link WorkloadLauncher#killLauncher} with
 * this host's {@link SandboxLeftovers} removes them and names them. Real launcher, cgroups and
 * namespaces: needs root, bubblewrap, iproute2 and nftables, as {@code ./augur run} does.
 */
class SandboxLeftoversIT {

    @TempDir Path tmp;

    @Test
    void whatAKilledLauncherLeftIsRemovedAndNamed() {
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
        String root = "augur-leftovers-" + run;
        String id = "stuck-" + run;
        TaskNetNames n = TaskNetNames.of(id);
        TaskCgroups cgroups = TaskCgroups.detect(root);
        SandboxLeftovers host = SandboxLeftovers.onThisHost(cgroups);
        JavaProcess launcher =
                JavaProcess.builder("actuator", WorkloadLauncher.RUN_MAIN)
                        .name(id)
                        .args("--task", id, "--cgroup-root", root, "--network", "on")
                        .args("--allow", "192.0.2.1:9") // so it has an allow-list table too
                        .args("--", "sleep", "120")
                        .log(tmp.resolve(id + ".log"))
                        .start();
        try {
            WorkloadLauncher.awaitInCgroup(cgroups, id, launcher, Clock.systemUTC(), host);
            assertThat(Path.of("/run/netns", n.namespace())).exists();
            assertThat(Path.of("/sys/class/net", n.hostInterface())).exists();

            String said = WorkloadLauncher.killLauncher(id, launcher, host);

            assertThat(launcher.isAlive()).isFalse();
            assertThat(said)
                    .startsWith("its launcher was killed and what it left removed: ")
                    .contains("cgroup " + root + "/" + id)
                    .contains("network namespace " + n.namespace())
                    .contains("veth " + n.hostInterface())
                    .contains("nft table inet " + n.filterTable());
            assertThat(Path.of("/run/netns", n.namespace())).doesNotExist();
            assertThat(Path.of("/sys/class/net", n.hostInterface())).doesNotExist();
            assertThat(cgroups.find(id)).isEmpty();
            assertThat(TaskNetworks.tableExists(n.filterTable())).isFalse();
            assertThat(WorkloadLauncher.killLauncher(id, launcher, host))
                    .as("a second time: nothing left")
                    .isEqualTo("its launcher was killed; nothing of its sandbox was left");
        } finally {
            launcher.kill();
            host.remove(id); // whatever a failed assertion left
            cgroups.destroyRoot();
        }
    }
}
