package io.augur.collector.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StraceCommandTest {

    @Test
    void attachesToEveryPidFollowingForksWithRawArgumentsOnStandardOutput() {
        assertThat(StraceCommand.defaults().attachTo(List.of(42L, 43L)))
                .containsExactly(
                        "/usr/bin/strace",
                        "-f",
                        "-q",
                        "-ttt",
                        "-e",
                        "trace=all",
                        "-e",
                        "signal=none",
                        "-e",
                        "raw=all",
                        "-o",
                        "/dev/stdout",
                        "-p",
                        "42",
                        "-p",
                        "43");
    }

    @Test
    void takesAReducedTraceSet() {
        assertThat(
                        new StraceCommand(Path.of("/opt/strace"), "%file,%network,%process")
                                .attachTo(List.of(7L)))
                .startsWith("/opt/strace")
                .contains("trace=%file,%network,%process")
                .endsWith("-p", "7");
    }

    @Test
    void refusesWhatStraceWouldMisread() {
        assertThatThrownBy(() -> StraceCommand.defaults().attachTo(List.of()))
                .hasMessageContaining("at least one pid");
        assertThatThrownBy(() -> StraceCommand.defaults().attachTo(List.of(0L)))
                .hasMessageContaining("not a pid");
        assertThatThrownBy(() -> new StraceCommand(StraceCommand.DEBIAN_STRACE, "open, read"))
                .hasMessageContaining("without spaces");
        assertThatThrownBy(() -> new StraceCommand(StraceCommand.DEBIAN_STRACE, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
