package io.augur.agent.wire;

import java.util.List;
import java.util.Objects;

/** A decoded frame. */
public sealed interface Frame {

    /**
     * First frame of a connection.
     *
     * @param version protocol version ({@link Wire#VERSION})
     * @param pid the agent's process id as it sees it ({@code ProcessHandle.current().pid()})
     * @param instance random per JVM: tells a reconnecting JVM from a new one with a reused pid
     * @param agentVersion the agent's build version, for diagnostics
     */
    record Hello(int version, long pid, long instance, String agentVersion) implements Frame {
        public Hello {
            Objects.requireNonNull(agentVersion, "agentVersion");
        }
    }

    /** A batch of events, in the order they were recorded. */
    record Events(List<Event> events) implements Frame {
        public Events {
            events = List.copyOf(events);
        }
    }

    /** Events the agent dropped since its JVM started (buffer full, lost connection). */
    record Drops(long cumulative) implements Frame {}
}
