package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the recorder checks before it touches a cgroup; no cgroup is needed to run these. */
class RecorderPreflightTest {

    @TempDir Path dir;

    @Test
    void anOutputFolderThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> recorder(file.resolve("out")).run())
                .isInstanceOf(RecordException.class)
                .hasMessageContaining("cannot create the output folder " + file.resolve("out"));
    }

    @Test
    void anExistingRecordingIsNeverOverwritten() throws Exception {
        Files.writeString(dir.resolve("recording.csv"), "old data");
        assertThatThrownBy(() -> recorder(dir).run())
                .isInstanceOf(RecordException.class)
                .hasMessageContaining("already holds a recording (recording.csv)");
        assertThat(Files.readString(dir.resolve("recording.csv"))).isEqualTo("old data");
        assertThat(dir.resolve("manifest.json")).doesNotExist();
    }

    private static Recorder recorder(Path out) {
        RecordOptions o =
                new RecordOptions(
                        out,
                        Duration.ofSeconds(2),
                        List.of(Scenarios.byName("idle").orElseThrow()),
                        1,
                        Duration.ofMillis(1000),
                        null,
                        1,
                        null);
        return new Recorder(o, new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC());
    }
}
