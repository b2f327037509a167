package io.augur.actuator.sandbox;

import java.util.Map;
import java.util.TreeMap;

/**
 * One seccomp launch template, flattened (inherited lists included).
 *
 * @param name what a decision's {@code sandboxProfile} calls it
 * @param description what it is for
 * @param denied every denied call and what happens on it, by name
 */
public record SandboxProfile(String name, String description, Map<String, DenyAction> denied) {

    public SandboxProfile {
        denied = Map.copyOf(new TreeMap<>(denied));
    }

    /** The filter that enforces it. */
    public SeccompProgram program() {
        return SeccompProgram.denying(denied);
    }
}
