package io.augur.jobs.profile;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benign envelope of every known role. A role without its own envelope is judged by the {@value
 * #DEFAULT_ROLE} one, so an unknown role is never unscored.
 */
public final class BenignEnvelopes implements Serializable {
    /** The role whose envelope applies when a task's role has none. */
    public static final String DEFAULT_ROLE = "default";

    private static final long serialVersionUID = 1L;

    private final TreeMap<String, BenignEnvelope> byRole;

    /**
     * @param byRole envelopes by role; must contain {@value #DEFAULT_ROLE}
     */
    public BenignEnvelopes(Map<String, BenignEnvelope> byRole) {
        if (!byRole.containsKey(DEFAULT_ROLE)) {
            throw new IllegalArgumentException("an envelope for role 'default' is required");
        }
        this.byRole = new TreeMap<>(byRole);
    }

    /** The envelope for {@code role}, falling back to the default role's. */
    public BenignEnvelope forRole(String role) {
        BenignEnvelope e = role == null ? null : byRole.get(role);
        return e != null ? e : byRole.get(DEFAULT_ROLE);
    }

    public Map<String, BenignEnvelope> asMap() {
        return Map.copyOf(byRole);
    }

    @Override
    public String toString() {
        return byRole.values().toString();
    }
}
