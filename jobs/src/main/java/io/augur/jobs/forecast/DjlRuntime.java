package io.augur.jobs.forecast;

/**
 * Process-wide DJL settings, applied before the PyTorch engine starts: offline (the native library
 * comes from the pytorch-native-cpu jar on the classpath, nothing is downloaded), the intra- and
 * inter-op thread counts, and no JIT graph optimiser (it re-profiles for every new batch size). A
 * system property set on the command line wins.
 */
public final class DjlRuntime {
    /** Intra-op threads per forward pass, unless {@code ai.djl.pytorch.num_threads} is set. */
    public static final int DEFAULT_INTRA_OP_THREADS = 1;

    private DjlRuntime() {}

    /** Applies the defaults (idempotent). */
    public static synchronized void configure() {
        configure(DEFAULT_INTRA_OP_THREADS);
    }

    /** Applies the defaults with {@code intraOpThreads} (only the first call's count counts). */
    public static synchronized void configure(int intraOpThreads) {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
