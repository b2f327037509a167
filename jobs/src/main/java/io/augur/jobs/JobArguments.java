package io.augur.jobs;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;

/**
 * Command-line arguments of the profiler's entry points: {@code --name value} pairs of the short
 * names below, or any {@link ProfilerOptions} key in full ({@code --profiler.window.size 4s}).
 */
final class JobArguments {

    /** A bad command line: the message says what is wrong; the caller exits with 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values;

    private JobArguments(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args}; {@code --help} is returned as the flag "help".
     *
     * @param allowed the short names this entry point accepts
     */
    static JobArguments parse(String[] args, Set<String> allowed) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                values.put("help", "true");
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            if (!allowed.contains(name) && !name.startsWith("profiler.")) {
                throw new UsageException("unknown option --" + name);
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new UsageException("option --" + name + " needs a value");
            }
            values.put(name, args[++i]);
        }
        return new JobArguments(values);
    }

    boolean help() {
        return values.containsKey("help");
    }

    String get(String name) {
        return values.get(name);
    }

    String require(String name) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing --" + name);
        }
        return v;
    }

    long positiveLong(String name) throws UsageException {
        String v = values.get(name);
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new UsageException("--" + name + " must be > 0: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " is not a number: " + v);
        }
    }

    /** The profiler options these arguments set (short names and full keys). */
    Configuration profilerConfiguration() throws UsageException {
        Map<String, String> raw = new LinkedHashMap<>();
        values.forEach(
                (k, v) -> {
                    if (k.startsWith("profiler.")) {
                        raw.put(k, v);
                    }
                });
        Configuration conf = Configuration.fromMap(raw);
        if (values.containsKey("bootstrap")) {
            conf.set(ProfilerOptions.BOOTSTRAP_SERVERS, values.get("bootstrap"));
        }
        if (values.containsKey("group-id")) {
            conf.set(ProfilerOptions.GROUP_ID, values.get("group-id"));
        }
        if (values.containsKey("forecaster")) {
            conf.set(ProfilerOptions.FORECASTER, values.get("forecaster"));
        }
        if (values.containsKey("model-dir")) {
            conf.set(ProfilerOptions.MODEL_DIR, values.get("model-dir"));
        }
        if (values.containsKey("sequence-model-dir")) {
            conf.set(SequenceOptions.ENABLED, true);
            conf.set(SequenceOptions.MODEL_DIR, values.get("sequence-model-dir"));
        }
        if (values.containsKey("window-ms")) {
            conf.set(ProfilerOptions.WINDOW_SIZE, Duration.ofMillis(positiveLong("window-ms")));
        }
        if (values.containsKey("checkpoint-interval-ms")) {
            conf.set(
                    ProfilerOptions.CHECKPOINT_INTERVAL,
                    Duration.ofMillis(positiveLong("checkpoint-interval-ms")));
        }
        return conf;
    }

    /** Resolves the settings, turning a bad option value into a usage error. */
    static ProfilerSettings settings(Configuration conf) throws UsageException {
        try {
            return ProfilerSettings.from(conf);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static final Set<String> COMMON =
            Set.of(
                    "bootstrap",
                    "window-ms",
                    "checkpoint-interval-ms",
                    "group-id",
                    "forecaster",
                    "model-dir",
                    "sequence-model-dir");
}
