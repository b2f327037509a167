package io.augur.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The runtime classpath of one Augur module, as the build wrote it ({@code
 * MODULE/target/classpath.txt}, and {@code classpath-provided.txt} where the module has one) plus
 * the module's own classes. Each engine (Flink 2.2, the StateFun runtime on Flink 1.16, the Kafka
 * broker) runs in its own JVM with its own module's classpath.
 */
public final class ModuleClasspath {
    private ModuleClasspath() {}

    public static String of(String module) {
        return of(AugurHome.resolve(), module);
    }

    public static String of(Path home, String module) {
        Path target = home.resolve(module).resolve("target");
        Path file = target.resolve("classpath.txt");
        Path classes = target.resolve("classes");
        if (!Files.isRegularFile(file) || !Files.isDirectory(classes)) {
            throw new IllegalStateException(
                    "module '"
                            + module
                            + "' is not built (missing "
                            + file
                            + "): run `./augur build` or `mvn -DskipTests install` first");
        }
        try {
            StringBuilder cp = new StringBuilder(classes.toString());
            append(cp, Files.readString(file));
            // Dependencies the module declares `provided` (Flink for the jobs module) but still
            // needs when run locally rather than on a cluster.
            Path provided = target.resolve("classpath-provided.txt");
            if (Files.isRegularFile(provided)) {
                append(cp, Files.readString(provided));
            }
            return cp.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(StringBuilder cp, String entries) {
        String trimmed = entries.trim();
        if (!trimmed.isEmpty()) {
            cp.append(java.io.File.pathSeparator).append(trimmed);
        }
    }
}
