package io.augur.actuator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sandbox templates by name, loaded from JSON (the shipped {@code sandbox-profiles.json}, or an
 * operator's file) and validated as a whole: every name known to {@link SyscallTable}, {@code
 * extends} pointing to a profile of the file without cycles, no unknown fields, and the profiles
 * decisions name today ({@link #REQUIRED}) present.
 */
public final class SandboxProfiles {
    /** Profiles a decision's {@code sandboxProfile} may carry today. */
    public static final List<String> REQUIRED = List.of("default", "monitored", "restricted");

    static final String RESOURCE = "sandbox-profiles.json";
    private static final Set<String> FIELDS =
            Set.of("name", "extends", "description", "deny", "kill");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, SandboxProfile> byName;

    private SandboxProfiles(Map<String, SandboxProfile> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** The templates shipped with Augur. */
    public static SandboxProfiles shipped() {
        try (InputStream in = SandboxProfiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * An operator's file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong in it
     */
    public static SandboxProfiles load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read sandbox profiles " + file + ": " + e.getMessage());
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    /**
     * Parses and validates.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static SandboxProfiles parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (root == null || !root.path("profiles").isArray()) {
            throw new IllegalArgumentException("expected an object with a 'profiles' array");
        }
        Map<String, JsonNode> raw = new LinkedHashMap<>();
        for (JsonNode p : root.path("profiles")) {
            String name = p.path("name").asText("");
            if (!name.matches("[a-z][a-z0-9-]{0,63}")) {
                throw new IllegalArgumentException(
                        "profile name must match [a-z][a-z0-9-]*, got '" + name + "'");
            }
            p.fieldNames()
                    .forEachRemaining(
                            f -> {
                                if (!FIELDS.contains(f)) {
                                    throw new IllegalArgumentException(
                                            "profile " + name + ": unknown field '" + f + "'");
                                }
                            });
            if (raw.put(name, p) != null) {
                throw new IllegalArgumentException("profile " + name + " is defined twice");
            }
        }
        Map<String, SandboxProfile> resolved = new TreeMap<>();
        for (String name : raw.keySet()) {
            resolved.put(name, resolve(name, raw, new HashSet<>()));
        }
        for (String required : REQUIRED) {
            if (!resolved.containsKey(required)) {
                throw new IllegalArgumentException("profile '" + required + "' is missing");
            }
        }
        // Every profile must compile (known names, not too long).
        resolved.values().forEach(SandboxProfile::program);
        return new SandboxProfiles(resolved);
    }

    private static SandboxProfile resolve(
            String name, Map<String, JsonNode> raw, Set<String> seen) {
        if (!seen.add(name)) {
            throw new IllegalArgumentException("profile " + name + " extends itself (cycle)");
        }
        JsonNode p = raw.get(name);
        Map<String, DenyAction> denied = new TreeMap<>();
        if (p.hasNonNull("extends")) {
            String parent = p.get("extends").asText();
            if (!raw.containsKey(parent)) {
                throw new IllegalArgumentException(
                        "profile " + name + " extends unknown profile '" + parent + "'");
            }
            denied.putAll(resolve(parent, raw, seen).denied());
        }
        add(name, p, "deny", DenyAction.ERRNO_EPERM, denied);
        add(name, p, "kill", DenyAction.KILL_PROCESS, denied);
        return new SandboxProfile(name, p.path("description").asText(""), denied);
    }

    private static void add(
            String profile,
            JsonNode p,
            String field,
            DenyAction action,
            Map<String, DenyAction> into) {
        JsonNode list = p.path(field);
        if (list.isMissingNode() || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(
                    "profile " + profile + ": '" + field + "' must be a list");
        }
        for (JsonNode call : list) {
            String name = call.asText();
            if (SyscallTable.number(name).isEmpty()) {
                throw new IllegalArgumentException(
                        "profile "
                                + profile
                                + ": unknown system call '"
                                + name
                                + "' in '"
                                + field
                                + "'");
            }
            into.put(name, action);
        }
    }

    /**
     * The profile by name.
     *
     * @throws IllegalArgumentException naming the known profiles
     */
    public SandboxProfile get(String name) {
        SandboxProfile p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "unknown sandbox profile '"
                            + name
                            + "' (known: "
                            + String.join(", ", names())
                            + ")");
        }
        return p;
    }

    public List<String> names() {
        return List.copyOf(new TreeMap<>(byName).keySet());
    }
}
