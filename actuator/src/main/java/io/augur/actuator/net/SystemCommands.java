package io.augur.actuator.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host's network tools ({@code ip}, {@code tc}, {@code nft}) and reports failures as a
 * {@link NetworkCommandException} naming the command and what it printed, never a stack trace for
 * the user.
 */
public final class SystemCommands {
    private static final long TIMEOUT_SECONDS = 30;

    /** What a finished command printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private SystemCommands() {}

    /** The tool's absolute path, looked up in the usual sbin/bin directories and on PATH. */
    public static Path require(String tool, String debianPackage) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    return Path.of(dir, tool);
                }
            }
        }
        throw new NetworkCommandException(
                "'"
                        + tool
                        + "' is not installed: install Debian's package "
                        + debianPackage
                        + " (apt-get install "
                        + debianPackage
                        + ")");
    }

    /** Runs a command and returns what it printed, whatever its exit code. */
    public static Result run(List<String> argv) {
        return run(argv, null);
    }

    /** Runs a command with {@code stdin} as its input (null for none). */
    public static Result run(List<String> argv, String stdin) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new NetworkCommandException("cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new NetworkCommandException(
                        String.join(" ", argv) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new NetworkCommandException(
                    "cannot talk to " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new NetworkCommandException("interrupted running " + String.join(" ", argv));
        }
    }

    /**
     * Runs a command and returns its stdout; a non-zero exit is a {@link NetworkCommandException}.
     */
    public static String check(List<String> argv) {
        return check(argv, null);
    }

    public static String check(List<String> argv, String stdin) {
        Result r = run(argv, stdin);
        if (!r.ok()) {
            throw new NetworkCommandException(
                    String.join(" ", argv)
                            + " failed (exit "
                            + r.exitCode()
                            + "): "
                            + (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip());
        }
        return r.stdout();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (in) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                });
    }
}
