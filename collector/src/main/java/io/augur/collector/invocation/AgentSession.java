package io.augur.collector.invocation;

import io.augur.agent.wire.Event;
import io.augur.agent.wire.Frame;
import io.augur.schema.InvocationKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One agent connection's protocol, frame by frame: the first frame must be a HELLO whose pid
 * belongs to a task under the managed root; each EVENTS frame then becomes one batch of {@link
 * Invocation}s of that task for the sink, each DROPS frame a report to {@link AgentDrops}. Pure
 * given its collaborators; the socket side is {@link AgentReceiver}'s.
 */
final class AgentSession {
    private final TaskResolver tasks;
    private final InvocationSink sink;
    private final AgentDrops drops;
    private final LongConsumer eventsReceived;
    private Frame.Hello hello;
    private String taskId;

    AgentSession(
            TaskResolver tasks,
            InvocationSink sink,
            AgentDrops drops,
            LongConsumer eventsReceived) {
        this.tasks = tasks;
        this.sink = sink;
        this.drops = drops;
        this.eventsReceived = eventsReceived;
    }

    /** The task this connection speaks for; null before its HELLO. */
    String taskId() {
        return taskId;
    }

    long pid() {
        return hello == null ? -1 : hello.pid();
    }

    void accept(Frame frame) throws AgentRejectedException {
        if (hello == null) {
            if (!(frame instanceof Frame.Hello h)) {
                throw new AgentRejectedException("the first frame is not a HELLO");
            }
            taskId =
                    tasks.taskOf(h.pid())
                            .orElseThrow(
                                    () ->
                                            new AgentRejectedException(
                                                    "pid "
                                                            + h.pid()
                                                            + " is not in a task under the"
                                                            + " managed root"));
            hello = h;
            return;
        }
        if (frame instanceof Frame.Events e) {
            if (e.events().isEmpty()) {
                return;
            }
            List<Invocation> batch = new ArrayList<>(e.events().size());
            for (Event event : e.events()) {
                batch.add(
                        new Invocation(
                                taskId,
                                hello.pid(),
                                event.thread(),
                                InvocationKind.METHOD,
                                event.name(),
                                event.digestHex(),
                                event.millis()));
            }
            sink.accept(batch);
            eventsReceived.accept(batch.size());
        } else if (frame instanceof Frame.Drops d) {
            drops.report(taskId, hello.pid(), hello.instance(), d.cumulative());
        } else {
            throw new AgentRejectedException("a second HELLO");
        }
    }
}
