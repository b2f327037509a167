package io.augur.jobs.sequence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the tests find next-call models: the registry directory named by the system property {@code
 * augur.sequenceModels}, by default {@code ${augur.home}/models/sequences} (the shipped models).
 * When that directory has no {@code adfa} role, the tests build a small model into {@code
 * target/sequence-models} with {@code src/test/python/make_sequence_test_model.py}
 * (/usr/bin/python3 + torch: 200 training traces, 1 epoch; 5-10 minutes on 2 busy cores) and use
 * that.
 */
public final class SequenceTestModels {
    /** The role of the ADFA-LD model the tests replay traces against. */
    public static final String ADFA = "adfa";

    private static Path cached;

    private SequenceTestModels() {}

    /** A registry directory with an {@code adfa} role. */
    public static synchronized Path registry() {
        if (cached != null) {
            return cached;
        }
        String home = System.getProperty("augur.home", "..");
        Path dir =
                Path.of(
                                System.getProperty(
                                        "augur.sequenceModels",
                                        Path.of(home, "models", "sequences").toString()))
                        .toAbsolutePath()
                        .normalize();
        if (Files.isDirectory(dir.resolve(ADFA))) {
            cached = dir;
            return dir;
        }
        Path built = Path.of("target", "sequence-models").toAbsolutePath();
        if (!Files.isDirectory(built.resolve(ADFA))) {
            build(built);
        }
        cached = built;
        return built;
    }

    /** ADFA-LD's traces (../shared/datasets/adfa-ld relative to the repository). */
    public static Path adfa(String file) {
        String home = System.getProperty("augur.home", "..");
        Path p =
                Path.of(home, "..", "shared", "datasets", "adfa-ld", file)
                        .toAbsolutePath()
                        .normalize();
        if (!Files.isRegularFile(p)) {
            p = Path.of("/work/shared/datasets/adfa-ld", file);
        }
        return p;
    }

    private static void build(Path out) {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/python3");
        cmd.add(Path.of("src/test/python/make_sequence_test_model.py").toAbsolutePath().toString());
        cmd.addAll(
                List.of(
                        "--train",
                        adfa("training.tsv.gz").toString(),
                        "--out",
                        out.toString(),
                        "--role",
                        ADFA,
                        "--version",
                        "adfa-test",
                        "--epochs",
                        "1",
                        "--max-traces",
                        "400"));
        try {
            Files.createDirectories(out);
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(out.resolve("build.log").toFile())
                            .start();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "building the test model failed; see " + out.resolve("build.log"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
