package io.augur.actuator.sandbox;

import io.augur.actuator.net.LinuxNetworkEffector;
import io.augur.actuator.net.NetworkCommandException;
import io.augur.actuator.net.TaskNetworks;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.CommandLine;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./augur run}: starts one task in its sandbox and stays in the foreground. See {@link
 * RunOptions#USAGE}.
 */
public final class RunMain {
    private static final Logger LOG = LoggerFactory.getLogger(RunMain.class);

    private RunMain() {}

    public static void main(String[] args) {
        RunOptions o =
                CommandLine.parseOrExit("augur run", RunOptions.USAGE, RunOptions::parse, args);
        System.exit(run(o));
    }

    static int run(RunOptions o) {
        ProfileSupervision supervision;
        try {
            SandboxProfiles profiles =
                    o.profilesFile() == null
                            ? SandboxProfiles.shipped()
                            : SandboxProfiles.load(o.profilesFile());
            supervision = ProfileSupervision.of(profiles, profiles.get(o.profile()));
        } catch (IllegalArgumentException e) {
            System.err.println("augur run: " + e.getMessage());
            return 2;
        }
        SandboxRun run;
        TaskRegistry registry = null;
        try {
            TaskCgroups cgroups =
                    TaskCgroups.detect(o.cgroupRoot(), o.cgroupMount(), Clock.systemUTC());
            TaskNetworks networks = TaskNetworks.onThisHost();
            registry =
                    o.bootstrap() == null ? TaskRegistry.none() : TaskRegistry.kafka(o.bootstrap());
            run =
                    new SandboxRun(
                            o,
                            supervision,
                            new SupervisedProfileStore(SupervisedProfileStore.DEFAULT_DIR),
                            cgroups,
                            networks,
                            new LinuxNetworkEffector(),
                            registry,
                            Clock.systemUTC());
        } catch (NetworkCommandException | IllegalStateException e) {
            System.err.println("augur run: " + e.getMessage());
            if (registry != null) {
                registry.close();
            }
            return 1;
        }
        // The command gets the signals; the launcher stays to clean up after it.
        forwardSignal("INT", run);
        forwardSignal("TERM", run);
        forwardSignal("HUP", run);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> cleanUpQuietly(run), "augur-run-cleanup"));
        try (TaskRegistry r = registry) {
            return run.run();
        } catch (RuntimeException e) {
            LOG.debug("setup failed", e);
            System.err.println("augur run: " + e.getMessage());
            return 1;
        }
    }

    @SuppressWarnings("restriction")
    private static void forwardSignal(String name, SandboxRun run) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> run.forward(name));
    }

    private static void cleanUpQuietly(SandboxRun run) {
        try {
            run.cleanUp();
        } catch (RuntimeException e) {
            System.err.println("augur run: " + e.getMessage());
        }
    }
}
