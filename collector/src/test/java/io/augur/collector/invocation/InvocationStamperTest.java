package io.augur.collector.invocation;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.collector.TaskDirectory;
import io.augur.schema.Fixtures;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvocationStamperTest {
    final TaskDirectory directory = new TaskDirectory();
    final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    static Invocation call(String task, String name, long millis) {
        return new Invocation(task, 42, "main", InvocationKind.METHOD, name, "abcd", millis);
    }

    @Test
    void stampsUserRoleNodeTimeOfDayAndAPerTaskSequence() {
        directory.learn(Fixtures.taskStarted("t1", "alice", "service"));
        InvocationStamper stamper =
                new InvocationStamper("node-1", directory, clock, ZoneId.of("Europe/Berlin"));
        long at = T0.plusSeconds(3600 * 9 + 30).toEpochMilli(); // 09:00:30 UTC = 10:00:30 CET

        List<InvocationEvent> events =
                stamper.stamp(
                        List.of(
                                call("t1", "A#a", at),
                                call("t2", "B#b", at),
                                call("t1", "A#c", at + 1)));

        InvocationEvent first = events.get(0);
        assertThat(first.getUserId()).isEqualTo("alice");
        assertThat(first.getRole()).isEqualTo("service");
        assertThat(first.getNodeId()).isEqualTo("node-1");
        assertThat(first.getLocalTimeOfDaySeconds()).isEqualTo(10 * 3600 + 30);
        assertThat(first.getPid()).isEqualTo(42);
        assertThat(first.getThread()).isEqualTo("main");
        assertThat(first.getArgsDigest()).isEqualTo("abcd");
        assertThat(events.get(1).getUserId()).isEqualTo("unknown");
        assertThat(events.get(2).getSequence()).isEqualTo(first.getSequence() + 1);
        assertThat(events.get(1).getSequence()).isEqualTo(T0.toEpochMilli() * 1000);
    }

    @Test
    void aRestartedCollectorContinuesAboveTheLastSequence() {
        InvocationStamper before = new InvocationStamper("n", directory, clock, ZoneOffset.UTC);
        long last = 0;
        for (int i = 0; i < 5000; i++) {
            last = before.stamp(List.of(call("t1", "A#a", 0))).get(0).getSequence();
        }
        // Restarted 10 ms later: 5000 invocations in 10 ms is 500k per second.
        InvocationStamper after =
                new InvocationStamper(
                        "n",
                        directory,
                        Clock.offset(clock, java.time.Duration.ofMillis(10)),
                        ZoneOffset.UTC);

        assertThat(after.stamp(List.of(call("t1", "A#a", 0))).get(0).getSequence())
                .isGreaterThan(last);
    }
}
