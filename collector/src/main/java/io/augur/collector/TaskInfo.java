package io.augur.collector;

/**
 * Who a task belongs to and what it is, as augur.tasks announced it.
 *
 * @param userId the task's user
 * @param role its workload role
 */
public record TaskInfo(String userId, String role) {
    /** A task augur.tasks has not (yet) announced. */
    public static final TaskInfo UNKNOWN = new TaskInfo("unknown", "default");
}
