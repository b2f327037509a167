package io.augur.collector.invocation;

import io.augur.cgroup.TaskIds;
import java.util.Optional;

/**
 * Which task a process belongs to, from the text of its {@code /proc/PID/cgroup}: the task whose
 * group under the managed root holds it. v1 lines {@code N:cpu,cpuacct:/ROOT/TASK}, v2 lines {@code
 * 0::/ROOT/TASK}; a sub-group of a task ({@code /ROOT/TASK/x}) belongs to the task. Lines outside
 * the root are ignored. No task when no line is under the root, when lines name different tasks (a
 * process half moved), or when a name under the root is not a valid task id. Pure.
 */
public final class CgroupMembership {
    private CgroupMembership() {}

    public static Optional<String> taskOf(String procCgroup, String rootName) {
        String prefix = "/" + rootName + "/";
        String task = null;
        for (String line : procCgroup.split("\n")) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3 || !fields[2].startsWith(prefix)) {
                continue;
            }
            String rest = fields[2].substring(prefix.length()).strip();
            int slash = rest.indexOf('/');
            String id = slash < 0 ? rest : rest.substring(0, slash);
            if (!TaskIds.isValid(id) || (task != null && !task.equals(id))) {
                return Optional.empty();
            }
            task = id;
        }
        return Optional.ofNullable(task);
    }
}
