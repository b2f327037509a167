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
 *     loopback sink (HOST:PORT)
 */
public record Scenario(
        String name,
        String label,
        String role,
        String description,
        String mainClass,
        List<String> args) {

    public static final String BENIGN = "benign";
    public static final String HOSTILE = "hostile";

    /** Placeholder for the loopback TCP sink's HOST:PORT. */
    public static final String SINK_TCP = "{sink-tcp}";

    /** Placeholder for the loopback UDP sink's HOST:PORT. */
    public static final String SINK_UDP = "{sink-udp}";

    public Scenario {
        if (!BENIGN.equals(label) && !HOSTILE.equals(label)) {
            throw new IllegalArgumentException("label must be benign or hostile: " + label);
        }
        args = List.copyOf(args);
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
