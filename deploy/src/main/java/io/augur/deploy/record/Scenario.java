package io.augur.deploy.record;

import java.util.List;
import java.util.Map;

/**
 * One recordable behaviour: a workload main of this module, how it is run, and what it is.
 *
 * @param name kebab-case name, the {@code scenario} column of a recording
 * @param label {@link #BENIGN} or {@link #HOSTILE}, the {@code label} column
 * @param role the role the task declares (the {@code role} column). A hostile task declares a role
 *     that lets it blend in, so the role says nothing about the label
 * @param description what it does, in a sentence or two (also in the manifest)
 * @param mainClass the workload's main class
 * @param args its arguments; {@code {sink-tcp}} and {@code {sink-udp}} stand for the recorder's
 *     sink ({@code gateway:PORT}: the host's end of the task's own network)
 * @param agentPackages for a JVM task recorded under the JVM agent: the packages the agent records
 *     ({@code packages=...}); null for a task without the agent (its invocations, when recorded,
 *     are system calls)
 * @param hostileFrom for a task that turns hostile during the run: the call ({@code Class#method})
 *     whose first invocation starts the hostile part; the calls before it are written as a benign
 *     prefix of their own. Null when the label holds for the whole run
 */
public record Scenario(
        String name,
        String label,
        String role,
        String description,
        String mainClass,
        List<String> args,
        String agentPackages,
        String hostileFrom) {

    public static final String BENIGN = "benign";
    public static final String HOSTILE = "hostile";

    /** Placeholder for the recording sink's TCP {@code gateway:PORT}. */
    public static final String SINK_TCP = "{sink-tcp}";

    /** Placeholder for the recording sink's UDP {@code gateway:PORT}. */
    public static final String SINK_UDP = "{sink-udp}";

    public Scenario {
        if (!BENIGN.equals(label) && !HOSTILE.equals(label)) {
            throw new IllegalArgumentException("label must be benign or hostile: " + label);
        }
        args = List.copyOf(args);
        if (hostileFrom != null && !HOSTILE.equals(label)) {
            throw new IllegalArgumentException("only a hostile scenario turns hostile: " + name);
        }
        if (hostileFrom != null && agentPackages == null) {
            throw new IllegalArgumentException(
                    "a turn is found in the agent's method calls only: " + name);
        }
    }

    /** A scenario of a workload recorded without the JVM agent, its label holding throughout. */
    public Scenario(
            String name,
            String label,
            String role,
            String description,
            String mainClass,
            List<String> args) {
        this(name, label, role, description, mainClass, args, null, null);
    }

    /** Whether the task runs under the JVM agent (its invocations are method calls). */
    public boolean underAgent() {
        return agentPackages != null;
    }

    public boolean hostile() {
        return HOSTILE.equals(label);
    }

    /** The arguments with every placeholder replaced by its value. */
    public List<String> args(Map<String, String> endpoints) {
        return args.stream()
                .map(
                        a -> {
                            String v = a;
                            for (Map.Entry<String, String> e : endpoints.entrySet()) {
                                v = v.replace(e.getKey(), e.getValue());
                            }
                            return v;
                        })
                .toList();
    }
}
