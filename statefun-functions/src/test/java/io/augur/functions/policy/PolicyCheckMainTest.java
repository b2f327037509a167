package io.augur.functions.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckMainTest {

    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PolicyCheckMain.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void validPoliciesPassAndAnInvalidOneFailsWithItsProblems() throws Exception {
        Path good = PolicyLoaderTest.shippedPolicies().resolve("default.yaml");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: b\nrisk:\n  high: 0.7\n");

        assertThat(run(good.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains(good + ": OK  version default-1, mode enforce, risk high > 0.70")
                .contains(
                        "network allow-lists: restricted [10.231.0.0/16:9092], MEDIUM"
                                + " [10.231.0.0/16:9092], split [] (no destination)");

        assertThat(run(good.toString(), bad.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(bad + ": INVALID (1 problem)")
                .contains(
                        bad
                                + ":3: unknown key 'high' in risk (known: critical-threshold,"
                                + " high-threshold, medium-threshold)");
    }

    @Test
    void usageAndMissingFiles() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: ./augur policy check");
        assertThat(run("--strict", "x.yaml")).isEqualTo(2);
        assertThat(run(dir.resolve("none.yaml").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("none.yaml: no such file");
    }
}
