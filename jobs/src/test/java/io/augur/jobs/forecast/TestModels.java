package io.augur.jobs.forecast;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find models. */
public final class TestModels {
    private TestModels() {}

    /** An untrained model with the contract's shapes (src/test/resources/models/tiny). */
    public static Path tiny() {
        return Path.of("src/test/resources/models/tiny").toAbsolutePath();
    }

    /** The model Augur ships (models/forecaster at the repository root). */
    public static Path shipped() {
        String home = System.getProperty("augur.home", "..");
        Path dir = Path.of(home, "models", "forecaster").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no shipped model directory " + dir);
        }
        return dir;
    }
}
