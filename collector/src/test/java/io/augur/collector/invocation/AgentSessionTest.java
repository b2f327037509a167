package io.augur.collector.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.agent.wire.Event;
import io.augur.agent.wire.Frame;
import io.augur.agent.wire.Wire;
import io.augur.schema.InvocationKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentSessionTest {
    static final long T0 = 1_790_000_000_000L;

    final List<List<Invocation>> batches = new ArrayList<>();
    final AgentDrops drops = new AgentDrops();
    final AtomicLong received = new AtomicLong();
    final TaskResolver tasks = pid -> pid == 100 ? Optional.of("t1") : Optional.empty();
    final AgentSession session = new AgentSession(tasks, batches::add, drops, received::addAndGet);

    static Frame.Hello hello(long pid) {
        return new Frame.Hello(Wire.VERSION, pid, 7, "test");
    }

    @Test
    void eventsBecomeInvocationsOfTheHellosTask() throws Exception {
        session.accept(hello(100));
        session.accept(
                new Frame.Events(
                        List.of(
                                new Event(T0, "main", "a.B#c", 0xabcdefL),
                                new Event(T0 + 1, "w-1", "a.B#d", -1L))));
        assertThat(batches)
                .containsExactly(
                        List.of(
                                new Invocation(
                                        "t1",
                                        100,
                                        "main",
                                        InvocationKind.METHOD,
                                        "a.B#c",
                                        "0000000000abcdef",
                                        T0),
                                new Invocation(
                                        "t1",
                                        100,
                                        "w-1",
                                        InvocationKind.METHOD,
                                        "a.B#d",
                                        "ffffffffffffffff",
                                        T0 + 1)));
        assertThat(received).hasValue(2);
    }

    @Test
    void dropsAreReportedForTheTask() throws Exception {
        session.accept(hello(100));
        session.accept(new Frame.Drops(3));
        session.accept(new Frame.Drops(9));
        assertThat(drops.byTask()).isEqualTo(Map.of("t1", 9L));
    }

    @Test
    void aPidOutsideEveryTaskIsRejected() {
        assertThatThrownBy(() -> session.accept(hello(200)))
                .isInstanceOf(AgentRejectedException.class)
                .hasMessageContaining("pid 200");
        assertThat(session.taskId()).isNull();
    }

    @Test
    void theFirstFrameMustBeAHelloAndTheOnlyOne() throws Exception {
        assertThatThrownBy(() -> session.accept(new Frame.Drops(1)))
                .isInstanceOf(AgentRejectedException.class)
                .hasMessageContaining("first frame");
        session.accept(hello(100));
        assertThatThrownBy(() -> session.accept(hello(100)))
                .isInstanceOf(AgentRejectedException.class)
                .hasMessageContaining("second HELLO");
    }

    @Test
    void anEmptyBatchReachesNoSink() throws Exception {
        session.accept(hello(100));
        session.accept(new Frame.Events(List.of()));
        assertThat(batches).isEmpty();
    }
}
