package io.augur.actuator;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Parent links of the node's processes, from {@code /proc/PID/stat}, to find a process and its
 * descendants. A snapshot: processes come and go while it is read (those are skipped), and an
 * orphan re-parented to init before the snapshot is no longer anyone's descendant.
 */
public final class ProcessTree {
    /** Where the kernel lists processes. */
    public static final Path PROC = Path.of("/proc");

    private ProcessTree() {}

    /** pid → parent pid of every process readable now. */
    public static Map<Long, Long> parents(Path proc) {
        Map<Long, Long> parents = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    Long ppid = parentOf(Files.readString(entry.resolve("stat")));
                    if (ppid != null) {
                        parents.put(Long.parseLong(name), ppid);
                    }
                } catch (IOException e) {
                    // exited while listed
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + proc, e);
        }
        return parents;
    }

    /**
     * The parent pid in a {@code /proc/PID/stat} line: the second field after the command name,
     * which is in parentheses and may itself hold spaces and parentheses.
     */
    static Long parentOf(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] rest = stat.substring(close + 1).trim().split("\\s+");
        return rest.length > 1 ? Long.parseLong(rest[1]) : null;
    }

    /** {@code root} and every descendant of it in {@code parents}, root first. Pure. */
    public static Set<Long> subtree(long root, Map<Long, Long> parents) {
        Map<Long, java.util.List<Long>> children = new HashMap<>();
        parents.forEach(
                (pid, ppid) ->
                        children.computeIfAbsent(ppid, k -> new java.util.ArrayList<>()).add(pid));
        Set<Long> out = new LinkedHashSet<>();
        Deque<Long> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            long pid = todo.poll();
            if (out.add(pid)) {
                todo.addAll(children.getOrDefault(pid, java.util.List.of()));
            }
        }
        return out;
    }
}
