package io.augur.agent;

import io.augur.agent.wire.Wire;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The agent's settings, from its argument string {@code key=value;key=value}:
 *
 * <ul>
 *   <li>{@code packages} (required): comma-separated package or class names; a class is recorded
 *       when its name equals one or starts with one followed by {@code .} or {@code $}
 *   <li>{@code socket} (default {@value #DEFAULT_SOCKET}): the collector's Unix domain socket
 *   <li>{@code buffer} (default {@value #DEFAULT_BUFFER}): events held while the sender is behind
 *       or the collector away, rounded up to a power of two; past it events are dropped and counted
 *   <li>{@code batch} (default {@value #DEFAULT_BATCH}): most events per EVENTS frame
 *   <li>{@code salt-file} (default {@value #DEFAULT_SALT_FILE}): the digest salt shared by the
 *       node's JVMs; when unreadable or shorter than 16 bytes a random salt per JVM is used
 *   <li>{@code rate} (default 1): records every {@code rate}-th invocation of each thread, for
 *       workloads where recording every call costs too much
 * </ul>
 *
 * @param packages prefixes of the classes to record
 */
public record AgentOptions(
        List<String> packages, Path socket, int buffer, int batch, Path saltFile, int rate) {

    public static final String DEFAULT_SOCKET = "/run/augur/invocations.sock";
    public static final int DEFAULT_BUFFER = 65536;
    public static final int DEFAULT_BATCH = 512;
    public static final String DEFAULT_SALT_FILE = "/etc/augur/agent-salt";
    public static final int MAX_BUFFER = 1 << 24;

    /** Never recorded, whatever {@code packages} says: the JDK and the agent itself. */
    public static final List<String> EXCLUDED =
            List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "io.augur.agent.");

    private static final Pattern NAME =
            Pattern.compile(
                    "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                            + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");

    public AgentOptions {
        packages = List.copyOf(packages);
    }

    /**
     * Parses the {@code -javaagent:jar=ARGS} string.
     *
     * @throws IllegalArgumentException with one line saying what is wrong
     */
    public static AgentOptions parse(String args) {
        if (args == null || args.isBlank()) {
            throw new IllegalArgumentException("no arguments; packages=... is required");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : args.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + part + "' is not key=value");
            }
            String key = part.substring(0, eq).trim();
            if (values.put(key, part.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException(key + " given twice");
            }
        }
        for (String key : values.keySet()) {
            if (!List.of("packages", "socket", "buffer", "batch", "salt-file", "rate")
                    .contains(key)) {
                throw new IllegalArgumentException(
                        "unknown key '"
                                + key
                                + "' (known: packages, socket, buffer, batch, salt-file, rate)");
            }
        }
        String packages = values.get("packages");
        if (packages == null || packages.isBlank()) {
            throw new IllegalArgumentException("packages=... is required");
        }
        List<String> prefixes = new ArrayList<>();
        for (String p : packages.split(",")) {
            String name = p.trim();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' is not a package or class name");
            }
            for (String excluded : EXCLUDED) {
                if ((name + ".").startsWith(excluded)) {
                    throw new IllegalArgumentException(
                            "'" + name + "' is never instrumented (JDK or the agent itself)");
                }
            }
            prefixes.add(name);
        }
        String socket = values.getOrDefault("socket", DEFAULT_SOCKET);
        if (socket.isEmpty()) {
            throw new IllegalArgumentException("socket is empty");
        }
        int buffer = integer(values, "buffer", DEFAULT_BUFFER, 1, MAX_BUFFER);
        int batch = integer(values, "batch", DEFAULT_BATCH, 1, Wire.MAX_BATCH);
        int rate = integer(values, "rate", 1, 1, 1_000_000);
        String saltFile = values.getOrDefault("salt-file", DEFAULT_SALT_FILE);
        return new AgentOptions(prefixes, Path.of(socket), buffer, batch, Path.of(saltFile), rate);
    }

    /** Whether a class (binary name) is to be recorded. */
    public boolean records(String className) {
        for (String excluded : EXCLUDED) {
            if (className.startsWith(excluded)) {
                return false;
            }
        }
        for (String p : packages) {
            if (className.startsWith(p)
                    && (className.length() == p.length()
                            || className.charAt(p.length()) == '.'
                            || className.charAt(p.length()) == '$')) {
                return true;
            }
        }
        return false;
    }

    private static int integer(Map<String, String> values, String key, int dflt, int min, int max) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, with the allowed range
        }
        throw new IllegalArgumentException(
                key + "=" + v + " is not an integer within " + min + ".." + max);
    }
}
