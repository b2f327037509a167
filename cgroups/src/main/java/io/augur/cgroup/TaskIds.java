package io.augur.cgroup;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The rule for task ids. A task id becomes a directory name under the managed root, so anything
 * that could climb out of it ({@code ..}, slashes), hide in a listing (control characters) or
 * exceed a file name is refused before it reaches the file system.
 */
public final class TaskIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** Longest id, in bytes (ids are ASCII, so also in characters). */
    public static final int MAX_LENGTH = 128;

    private TaskIds() {}

    public static boolean isValid(String taskId) {
        return taskId != null && VALID.matcher(taskId).matches();
    }

    /**
     * Returns {@code taskId} when it is valid.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static String requireValid(String taskId) {
        if (isValid(taskId)) {
            return taskId;
        }
        throw new IllegalArgumentException(problem(taskId));
    }

    /** Why an id is invalid, for messages and REJECTED acks. */
    public static String problem(String taskId) {
        if (taskId == null) {
            return "task id is missing";
        }
        if (taskId.isEmpty()) {
            return "task id is empty";
        }
        if (taskId.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return "task id is longer than " + MAX_LENGTH + " bytes";
        }
        if (isValid(taskId)) {
            return "task id is valid";
        }
        return "task id '"
                + printable(taskId)
                + "' must match [A-Za-z0-9][A-Za-z0-9._-]{0,127} (no slashes, '..' first,"
                + " spaces or control characters)";
    }

    /** The id with control and non-ASCII characters escaped, safe to put in a log line. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints()
                .limit(160)
                .forEach(
                        c -> {
                            if (c >= 0x20 && c < 0x7f) {
                                b.appendCodePoint(c);
                            } else {
                                b.append(String.format("\\u%04x", c));
                            }
                        });
        return b.toString();
    }
}
