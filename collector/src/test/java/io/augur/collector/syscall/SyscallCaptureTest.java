package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.collector.invocation.Invocation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The node-level capture against in-memory tracers. */
class SyscallCaptureTest {
    final FakeTracing.Launcher launcher = FakeTracing.Launcher.quiet();
    final FakeTracing.Processes processes = new FakeTracing.Processes();
    final List<Invocation> sunk = new CopyOnWriteArrayList<>();
    final Map<String, String> roles = new HashMap<>();

    SyscallCapture capture(String spec) {
        return new SyscallCapture(
                SyscallSelection.parse(spec),
                id -> roles.getOrDefault(id, "default"),
                launcher,
                processes,
                sunk::addAll,
                new SyscallCaptureConfig(1000, 100, Duration.ofMillis(10), Duration.ofSeconds(5)));
    }

    List<Long> attachedTo() {
        return launcher.started.stream().flatMap(s -> s.attachedTo.stream()).toList();
    }

    @Test
    void tracesTheSelectedTasksFollowsTheirProcessesAndLetsGoOfThoseThatGo() {
        roles.put("batch-1", "batch");
        roles.put("svc-1", "service");
        for (long pid = 100; pid < 110; pid++) {
            processes.tracerOfProcess.put(pid, 0L);
        }
        SyscallCapture capture = capture("role:batch,task:odd-1");
        try {
            capture.sync(
                    Map.of(
                            "batch-1", List.of(100L, 101L),
                            "svc-1", List.of(102L),
                            "odd-1", List.of(103L),
                            "empty-1", List.of()));

            assertThat(attachedTo()).containsExactlyInAnyOrder(100L, 101L, 103L);
            assertThat(capture.tasksTraced()).isEqualTo(2);

            // The service task becomes batch (its role arrived late); odd-1 ends; batch-1 grows.
            roles.put("svc-1", "batch");
            capture.sync(Map.of("batch-1", List.of(100L, 101L, 104L), "svc-1", List.of(102L)));

            assertThat(attachedTo()).containsExactlyInAnyOrder(100L, 101L, 103L, 104L, 102L);
            FakeTracing.Session odd =
                    launcher.started.stream()
                            .filter(s -> s.attachedTo.contains(103L))
                            .findFirst()
                            .orElseThrow();
            assertThat(odd.wasDetached()).isTrue();
            assertThat(capture.tasksTraced()).isEqualTo(2);

            // A task whose role no longer selects it, and one whose group emptied, are let go.
            roles.put("svc-1", "service");
            capture.sync(Map.of("batch-1", List.of(), "svc-1", List.of(102L)));
            assertThat(capture.tasksTraced()).isZero();
            assertThat(launcher.started).allMatch(FakeTracing.Session::wasDetached);
        } finally {
            capture.close();
        }
        assertThat(capture.attachErrors()).isZero();
    }

    @Test
    void noneStartsNothing() {
        processes.tracerOfProcess.put(100L, 0L);
        try (SyscallCapture capture = capture("none")) {
            capture.sync(Map.of("t1", List.of(100L)));
            assertThat(launcher.started).isEmpty();
            assertThat(capture.tasksTraced()).isZero();
        }
    }

    @Test
    void closeDetachesEveryTracerAndLaterSyncsDoNothing() {
        processes.tracerOfProcess.put(100L, 0L);
        processes.tracerOfProcess.put(101L, 0L);
        SyscallCapture capture = capture("all");
        capture.sync(Map.of("t1", List.of(100L), "t2", List.of(101L)));
        assertThat(capture.tasksTraced()).isEqualTo(2);

        capture.close();
        capture.sync(Map.of("t1", List.of(100L), "t3", List.of(101L)));

        assertThat(launcher.started).hasSize(2).allMatch(FakeTracing.Session::wasDetached);
        assertThat(capture.tasksTraced()).isZero();
        assertThat(capture.eventsCaptured()).isZero();
        assertThat(capture.eventsDropped()).isZero();
        assertThat(capture.parseErrors()).isZero();
    }
}
