package io.augur.actuator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The per-task state shared by {@code ./augur run} (which writes it at launch and removes it at the
 * end) and the enforcer (which changes the profile), read by the task's supervisor {@code
 * augur-seccomp supervise} on every notified call that finds the file replaced. In {@code DIR}
 * (root only, hidden inside the sandbox by a tmpfs over it):
 *
 * <ul>
 *   <li>{@code ID.profile}: the name of the profile in force (replaced atomically by rename, so
 *       every call notified after {@link #apply} returns is answered by the new profile);
 *   <li>{@code ID.launch}: the launch profile's name;
 *   <li>{@code ID.table}: the supervisor's table ({@link ProfileSupervision#table()}), hence the
 *       profiles the task can be moved to.
 * </ul>
 */
public final class SupervisedProfileStore implements SandboxProfileEffector {
    /** Where the state lives on a node. */
    public static final Path DEFAULT_DIR = Path.of("/run/augur/seccomp");

    private final Path dir;

    public SupervisedProfileStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path stateFile(String taskId) {
        return dir.resolve(taskId + ".profile");
    }

    public Path tableFile(String taskId) {
        return dir.resolve(taskId + ".table");
    }

    Path launchFile(String taskId) {
        return dir.resolve(taskId + ".launch");
    }

    /**
     * Writes a launching task's state: its table, launch profile, and the launch profile in force.
     */
    public void prepare(String taskId, ProfileSupervision plan) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            replace(tableFile(taskId), plan.table());
            replace(launchFile(taskId), plan.launch().name() + "\n");
            replace(stateFile(taskId), plan.launch().name() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the seccomp state of task " + taskId, e);
        }
    }

    /** Removes a task's state (its launcher, when the task has ended). */
    public void remove(String taskId) {
        try {
            Files.deleteIfExists(stateFile(taskId));
            Files.deleteIfExists(launchFile(taskId));
            Files.deleteIfExists(tableFile(taskId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the seccomp state of task " + taskId, e);
        }
    }

    @Override
    public boolean supervised(String taskId) {
        return Files.isRegularFile(stateFile(taskId)) && Files.isRegularFile(tableFile(taskId));
    }

    @Override
    public ProfileInForce apply(String taskId, String profile) {
        try {
            List<String> known = table(taskId).stream().map(l -> l.split(" ", 2)[0]).toList();
            if (!known.contains(profile)) {
                throw new IllegalArgumentException(unknown(taskId, profile, known));
            }
            // A new file renamed over the old: the supervisor sees another inode and re-reads it.
            replace(stateFile(taskId), profile + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot change the profile of task " + taskId, e);
        }
        return read(taskId)
                .orElseThrow(() -> new IllegalStateException("task " + taskId + " ended"));
    }

    @Override
    public Optional<ProfileInForce> read(String taskId) {
        try {
            String launch = Files.readString(launchFile(taskId)).strip();
            String current = Files.readString(stateFile(taskId)).strip();
            boolean adds =
                    table(taskId).stream()
                            .map(l -> l.split(" "))
                            .anyMatch(f -> f[0].equals(current) && f.length > 1);
            return Optional.of(new ProfileInForce(launch, current, adds));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // not supervised, or ended meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seccomp state of task " + taskId, e);
        }
    }

    private List<String> table(String taskId) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(tableFile(taskId))) {
            if (!l.isBlank()) {
                lines.add(l.strip());
            }
        }
        return lines;
    }

    static String unknown(String taskId, String profile, List<String> known) {
        return "task "
                + taskId
                + "'s seccomp supervisor does not know profile '"
                + profile
                + "' (known: "
                + String.join(", ", known)
                + ")";
    }

    /** Write to a temporary file, then rename over: a reader sees the old or the new, whole. */
    private void replace(Path target, String content) throws IOException {
        Path tmp =
                Files.createTempFile(
                        dir,
                        "." + target.getFileName(),
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
