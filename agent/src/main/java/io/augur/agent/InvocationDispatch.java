package io.augur.agent;

/**
 * The one static entry point the inlined advice calls: instrumented code cannot hold a reference of
 * its own, so the agent installs its recorder here once, at start. Before that (and when the agent
 * did not start) calls return at once.
 */
public final class InvocationDispatch {
    private static volatile InvocationRecorder recorder;

    private InvocationDispatch() {}

    /** Called on entry of every instrumented method. */
    public static void enter(String name, Object[] args) {
        InvocationRecorder r = recorder;
        if (r != null) {
            r.record(name, args);
        }
    }

    static void install(InvocationRecorder r) {
        recorder = r;
    }
}
