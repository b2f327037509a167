package io.augur.collector.syscall;

import io.augur.cgroup.TaskIds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tasks' system calls are traced, from a spec such as {@code none}, {@code all}, {@code
 * role:batch,role:service} or {@code task:t-42,role:batch}: {@code none} and {@code all} stand
 * alone; otherwise a comma-separated list of {@code role:NAME} and {@code task:ID} items, any of
 * which selects a task. Tracing slows a task down many times (see the package overhead), so the
 * default is {@link #NONE}.
 */
public final class SyscallSelection {

    /** Traces nothing. */
    public static final SyscallSelection NONE = new SyscallSelection(false, Set.of(), Set.of());

    /** Traces every task. */
    public static final SyscallSelection ALL = new SyscallSelection(true, Set.of(), Set.of());

    /** What {@link #parse} accepts, for usage texts and error messages. */
    public static final String SYNTAX = "none | all | role:NAME|task:ID[,role:NAME|task:ID...]";

    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final boolean all;
    private final Set<String> roles;
    private final Set<String> taskIds;

    private SyscallSelection(boolean all, Set<String> roles, Set<String> taskIds) {
        this.all = all;
        this.roles = roles;
        this.taskIds = taskIds;
    }

    /**
     * Parses a spec (items may have spaces around them).
     *
     * @throws IllegalArgumentException naming what is wrong and what is accepted
     */
    public static SyscallSelection parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw bad(spec, "it is empty");
        }
        String trimmed = spec.trim();
        if (trimmed.equals("none")) {
            return NONE;
        }
        if (trimmed.equals("all")) {
            return ALL;
        }
        Set<String> roles = new LinkedHashSet<>();
        Set<String> taskIds = new LinkedHashSet<>();
        for (String raw : trimmed.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw bad(spec, "it has an empty item");
            }
            if (item.equals("all") || item.equals("none")) {
                throw bad(spec, "'" + item + "' cannot be combined with other items");
            }
            if (item.startsWith("role:")) {
                String role = item.substring(5);
                if (!ROLE.matcher(role).matches()) {
                    throw bad(
                            spec,
                            "role '" + TaskIds.printable(role) + "' must match " + ROLE.pattern());
                }
                roles.add(role);
            } else if (item.startsWith("task:")) {
                String taskId = item.substring(5);
                if (!TaskIds.isValid(taskId)) {
                    throw bad(spec, TaskIds.problem(taskId));
                }
                taskIds.add(taskId);
            } else {
                throw bad(
                        spec, "'" + TaskIds.printable(item) + "' is neither role:NAME nor task:ID");
            }
        }
        return new SyscallSelection(
                false, Collections.unmodifiableSet(roles), Collections.unmodifiableSet(taskIds));
    }

    /** Whether the task with this id and role is traced. */
    public boolean selects(String taskId, String role) {
        return all || taskIds.contains(taskId) || (role != null && roles.contains(role));
    }

    /** True when no task can be selected: nothing to start. */
    public boolean isNone() {
        return !all && roles.isEmpty() && taskIds.isEmpty();
    }

    /** The spec in canonical form: parsing it gives an equal selection. */
    @Override
    public String toString() {
        if (all) {
            return "all";
        }
        if (isNone()) {
            return "none";
        }
        List<String> items = new ArrayList<>();
        roles.forEach(r -> items.add("role:" + r));
        taskIds.forEach(t -> items.add("task:" + t));
        return String.join(",", items);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyscallSelection s
                && all == s.all
                && roles.equals(s.roles)
                && taskIds.equals(s.taskIds);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(all) * 31 * 31 + roles.hashCode() * 31 + taskIds.hashCode();
    }

    private static IllegalArgumentException bad(String spec, String problem) {
        return new IllegalArgumentException(
                "bad system-call selection '"
                        + (spec == null ? "" : TaskIds.printable(spec))
                        + "': "
                        + problem
                        + "; expected "
                        + SYNTAX);
    }
}
