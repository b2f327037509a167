package io.augur.actuator.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a task launched under one profile can be moved to another while it runs. A seccomp filter
 * cannot be loosened or replaced from outside the process, so the launch profile's filter stays for
 * the task's life, and a second filter, installed at launch too, hands every call that some other
 * profile denies beyond the launch profile to a supervisor outside the sandbox ({@code
 * SECCOMP_RET_USER_NOTIF}). The supervisor answers by the profile in force at that moment: let the
 * call through, or deny it as that profile says. In force, then, is always the launch profile plus
 * what the current profile adds: a decision can tighten a running task to any profile and loosen it
 * back, never below its launch profile.
 *
 * <p>Pure: what the filter notifies, the supervisor's table (as {@code augur-seccomp supervise}
 * reads it) and the answer it gives, modelled here for tests.
 */
public final class ProfileSupervision {
    /**
     * Calls that are never supervised: the shim makes them after installing the filter and before
     * the supervisor holds the listener ({@code sendmsg}), so notifying them would hang the launch.
     */
    public static final Set<String> NEVER_SUPERVISED = Set.of("sendmsg");

    private final SandboxProfile launch;
    private final Map<String, Map<Integer, DenyAction>> beyondLaunch;
    private final Set<String> supervised;

    private ProfileSupervision(
            SandboxProfile launch,
            Map<String, Map<Integer, DenyAction>> beyondLaunch,
            Set<String> supervised) {
        this.launch = launch;
        this.beyondLaunch = beyondLaunch;
        this.supervised = supervised;
    }

    /**
     * The supervision of a task launched under {@code launch}, able to move it to any of {@code
     * profiles}.
     *
     * @throws IllegalArgumentException when a profile denies a call that cannot be supervised
     */
    public static ProfileSupervision of(SandboxProfiles profiles, SandboxProfile launch) {
        Map<String, Map<Integer, DenyAction>> beyond = new LinkedHashMap<>();
        Set<String> supervised = new TreeSet<>();
        for (String name : profiles.names()) {
            Map<Integer, DenyAction> extra = new TreeMap<>();
            for (Map.Entry<String, DenyAction> e : profiles.get(name).denied().entrySet()) {
                if (launch.denied().containsKey(e.getKey())) {
                    continue; // the launch filter answers it, for the task's whole life
                }
                if (NEVER_SUPERVISED.contains(e.getKey())) {
                    throw new IllegalArgumentException(
                            "profile "
                                    + name
                                    + " denies "
                                    + e.getKey()
                                    + ", which a running task's profile cannot take away (only a"
                                    + " launch profile can deny it)");
                }
                extra.put(SyscallTable.number(e.getKey()).orElseThrow(), e.getValue());
                supervised.add(e.getKey());
            }
            beyond.put(name, extra);
        }
        return new ProfileSupervision(launch, beyond, supervised);
    }

    public SandboxProfile launch() {
        return launch;
    }

    /** Calls the supervision filter hands to the supervisor, by name. */
    public Set<String> supervisedCalls() {
        return supervised;
    }

    /** False when no profile denies anything beyond the launch profile: nothing to supervise. */
    public boolean needed() {
        return !supervised.isEmpty();
    }

    /** Profiles the supervisor knows, by name. */
    public List<String> profiles() {
        return List.copyOf(beyondLaunch.keySet());
    }

    /** Whether a profile denies anything the launch profile allows. */
    public boolean addsToLaunch(String profile) {
        Map<Integer, DenyAction> extra = beyondLaunch.get(profile);
        return extra != null && !extra.isEmpty();
    }

    /**
     * The second filter: each supervised call → {@code SECCOMP_RET_USER_NOTIF}, the rest allowed.
     */
    public SeccompProgram filter() {
        Map<String, DenyAction> calls = new TreeMap<>();
        supervised.forEach(c -> calls.put(c, DenyAction.NOTIFY_SUPERVISOR));
        return SeccompProgram.denying(calls);
    }

    /**
     * The supervisor's table: one line per profile, its name then {@code NR:E} (EPERM) or {@code
     * NR:K} (kill the process) for each call it denies beyond the launch profile.
     */
    public String table() {
        StringBuilder s = new StringBuilder();
        beyondLaunch.forEach(
                (name, extra) -> {
                    s.append(name);
                    extra.forEach(
                            (nr, action) ->
                                    s.append(' ')
                                            .append(nr)
                                            .append(':')
                                            .append(action == DenyAction.KILL_PROCESS ? 'K' : 'E'));
                    s.append('\n');
                });
        return s.toString();
    }

    /**
     * What the supervisor answers for a notified call while {@code current} is in force: empty =
     * let it through; else how it is denied. An unknown profile denies every supervised call (fail
     * closed).
     */
    public Optional<DenyAction> answer(String current, int nr) {
        Map<Integer, DenyAction> extra = beyondLaunch.get(current);
        if (extra == null) {
            return Optional.of(DenyAction.ERRNO_EPERM);
        }
        return Optional.ofNullable(extra.get(nr));
    }
}
