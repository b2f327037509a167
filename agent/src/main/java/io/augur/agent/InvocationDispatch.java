package io.augur.agent;

/**
 * The one static entry point the inlined advice calls: instrumented code cannot hold a reference of
 * its own, so the agent installs its recorder here once, at start. Before that (and when the agent
 * did not start) calls return at once.
 */
public final class InvocationDispatch {
    // Not volatile: a volatile read in every instrumented method would keep the JIT from moving the
    // application's own loads across it. Premain writes it on the thread that then runs main,
    // before
    // any instrumented code, so program order and Thread.start publish it; later (agentmain) a
    // racing
    // reader sees null (records nothing) or the recorder, whose fields are final.
    private static InvocationRecorder recorder;

    private InvocationDispatch() {}

    /**
     * Called first on entry of every instrumented method: a token when this invocation is to be
     * recorded, else null, so that arguments are boxed only for invocations that are recorded.
     */
    public static Object begin() {
        InvocationRecorder r = recorder;
        return r == null ? null : r.begin();
    }

    /** Records the invocation {@link #begin()} returned {@code token} for. */
    public static void record(Object token, String name, Object[] args) {
        InvocationRecorder r = recorder;
        if (r != null) {
            r.record(token, name, args);
        }
    }

    static void install(InvocationRecorder r) {
        recorder = r;
    }
}
