package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A launcher killed because it is stuck (its task not in its cgroup within the launch timeout, or
 * its clean-up not done in time) cannot clean up: what it left of the task's sandbox is removed
 * after it is dead, never while it lives, and the message says what was removed.
 */
class WorkloadLauncherKillTest {
    private static final String TASK = "cpu-burner-1-0e44ac";

    private final List<String> events = new ArrayList<>();
    private final InMemorySandboxLeftovers host = new InMemorySandboxLeftovers(events);

    private BooleanSupplier kill(boolean dies) {
        return () -> {
            events.add("kill " + TASK);
            return dies;
        };
    }

    @Test
    void whatTheKilledLauncherLeftIsRemovedAfterItIsDeadAndNamed() {
        host.leave(TASK, "network namespace augur-task-" + TASK, "veth av0123456789abc");

        String said = WorkloadLauncher.killLauncher(TASK, kill(true), host);

        assertThat(events).containsExactly("kill " + TASK, "remove " + TASK);
        assertThat(host.left(TASK)).isEmpty();
        assertThat(said)
                .isEqualTo(
                        "its launcher was killed and what it left removed: network namespace"
                                + " augur-task-cpu-burner-1-0e44ac, veth av0123456789abc");
    }

    @Test
    void nothingLeftIsSaid() {
        assertThat(WorkloadLauncher.killLauncher(TASK, kill(true), host))
                .isEqualTo("its launcher was killed; nothing of its sandbox was left");
    }

    @Test
    void aLauncherThatSurvivesTheKillKeepsItsSandbox() {
        host.leave(TASK, "network namespace augur-task-" + TASK);

        String said = WorkloadLauncher.killLauncher(TASK, kill(false), host);

        assertThat(events).containsExactly("kill " + TASK);
        assertThat(host.left(TASK)).containsExactly("network namespace augur-task-" + TASK);
        assertThat(said)
                .contains("survived SIGKILL")
                .contains("./augur run --task cpu-burner-1-0e44ac -- true removes it");
    }

    @Test
    void aRemovalThatFailsSaysWhyAndHowToFinishByHand() {
        host.leave(TASK, "network namespace augur-task-" + TASK)
                .failing("ip netns del augur-task-" + TASK + " did not finish in 30 s");

        String said = WorkloadLauncher.killLauncher(TASK, kill(true), host);

        assertThat(events).containsExactly("kill " + TASK, "remove " + TASK);
        assertThat(said)
                .startsWith("its launcher was killed, and what it left could not be removed: ")
                .contains("did not finish in 30 s")
                .endsWith("(./augur run --task cpu-burner-1-0e44ac -- true removes it)");
    }
}
