package io.augur.collector.invocation;

/** An agent connection that is well-formed but not acceptable: closed and counted as rejected. */
public final class AgentRejectedException extends Exception {
    public AgentRejectedException(String message) {
        super(message);
    }
}
