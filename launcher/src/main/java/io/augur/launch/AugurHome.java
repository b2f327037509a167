package io.augur.launch;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The root of an Augur checkout: where each module's build output (classes, classpath file) is
 * found. Taken from {@code -Daugur.home}, then {@code AUGUR_HOME}, then the nearest parent of the
 * working directory that holds both {@code augur} and {@code pom.xml}.
 */
public final class AugurHome {
    private AugurHome() {}

    public static Path resolve() {
        String prop = System.getProperty("augur.home");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        String env = System.getenv("AUGUR_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("augur"))
                    && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "cannot find the Augur checkout: set -Daugur.home or AUGUR_HOME, or run from inside it");
    }
}
