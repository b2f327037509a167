package io.augur.statefun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RuntimeOptionsTest {

    @Test
    void parsesRequiredAndDefaults() {
        RuntimeOptions o =
                RuntimeOptions.parse(
                                "--bootstrap", "127.0.0.1:9092",
                                "--functions", "http://127.0.0.1:8000/statefun",
                                "--checkpoint-dir", "/tmp/ckpt")
                        .orElseThrow();

        assertThat(o.bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(o.checkpointDir()).isEqualTo(Path.of("/tmp/ckpt"));
        assertThat(o.checkpointIntervalMs()).isEqualTo(1000);
        assertThat(o.parallelism()).isEqualTo(1);
    }

    @Test
    void helpIsEmpty() {
        assertThat(RuntimeOptions.parse("--help")).isEmpty();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> RuntimeOptions.parse("--bootstrap", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("required");
        assertThatThrownBy(() -> RuntimeOptions.parse("--nope", "1"))
                .hasMessageContaining("unknown argument --nope");
        assertThatThrownBy(
                        () ->
                                RuntimeOptions.parse(
                                        "--bootstrap",
                                        "b",
                                        "--functions",
                                        "http://f",
                                        "--checkpoint-dir",
                                        "d",
                                        "--parallelism",
                                        "x"))
                .hasMessageContaining("needs a number");
        assertThatThrownBy(() -> RuntimeOptions.parse("--bootstrap"))
                .hasMessageContaining("missing value");
    }
}
