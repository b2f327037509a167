package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordOptionsTest {

    @Test
    void defaultsRecordEveryScenarioOnceForAMinuteEach() throws UsageException {
        RecordOptions o = RecordOptions.parse(new String[] {"--out", "/tmp/rec"});
        assertThat(o.out()).isEqualTo(Path.of("/tmp/rec"));
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.interval()).isEqualTo(Duration.ofMillis(1000));
        assertThat(o.scenarios()).isEqualTo(Scenarios.ALL);
        assertThat(o.repeat()).isEqualTo(1);
        assertThat(o.parallel()).isEqualTo(1);
        assertThat(o.cgroupRoot()).as("a fresh root per recording").isNull();
        assertThat(o.workDir()).isNull();
        assertThat(o.runCount()).isEqualTo(Scenarios.ALL.size());
        assertThat(o.sequences()).isEqualTo(RecordOptions.Sequences.AGENT);
    }

    @Test
    void sequencesSaysWhoseInvocationsAreRecorded() throws UsageException {
        assertThat(
                        RecordOptions.parse(new String[] {"--out", "o", "--sequences", "all"})
                                .sequences())
                .isEqualTo(RecordOptions.Sequences.ALL);
        assertThat(
                        RecordOptions.parse(new String[] {"--out", "o", "--sequences", "none"})
                                .sequences())
                .isEqualTo(RecordOptions.Sequences.NONE);
        assertBad("--sequences must be agent, all or none", "--out", "o", "--sequences", "some");
    }

    @Test
    void parsesEveryOption() throws UsageException {
        RecordOptions o =
                RecordOptions.parse(
                        new String[] {
                            "--scenarios", "idle, fork-storm,idle",
                            "--out", "out",
                            "--duration", "5",
                            "--repeat", "3",
                            "--interval-ms", "500",
                            "--parallel", "2",
                            "--cgroup-root", "rec-test",
                            "--work-dir", "/var/tmp"
                        });
        assertThat(o.scenarios())
                .extracting(Scenario::name)
                .as("in the order given, each once")
                .containsExactly("idle", "fork-storm");
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.repeat()).isEqualTo(3);
        assertThat(o.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.parallel()).isEqualTo(2);
        assertThat(o.cgroupRoot()).isEqualTo("rec-test");
        assertThat(o.workDir()).isEqualTo(Path.of("/var/tmp"));
        assertThat(o.runCount()).isEqualTo(6);
    }

    @Test
    void rejectsWhatCannotWork() {
        assertBad("missing --out", "--duration", "5");
        assertBad("unknown scenario nope", "--out", "o", "--scenarios", "idle,nope");
        assertBad("known: cpu-mining-beacon", "--out", "o", "--scenarios", "nope");
        assertBad("no scenario named", "--out", "o", "--scenarios", ",");
        assertBad("shorter than two intervals", "--out", "o", "--duration", "1");
        assertBad("--duration must be at least 1", "--out", "o", "--duration", "0");
        assertBad("--interval-ms must be at least 100", "--out", "o", "--interval-ms", "10");
        assertBad("--parallel must be at most 16", "--out", "o", "--parallel", "17");
        assertBad("--repeat must be a whole number", "--out", "o", "--repeat", "x");
        assertBad("--cgroup-root must be a plain name", "--out", "o", "--cgroup-root", "../x");
        assertBad("unknown argument: --fast", "--out", "o", "--fast", "1");
        assertBad("--out needs a value", "--out");
    }

    @Test
    void helpIsNotAnErrorAndListsEveryScenario() {
        assertThatThrownBy(() -> RecordOptions.parse(new String[] {"--out", "o", "--help"}))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isTrue());
        for (Scenario s : Scenarios.ALL) {
            assertThat(RecordOptions.USAGE).contains(s.name());
        }
        assertThat(RecordOptions.USAGE).contains("recording.csv", "manifest.json", "Needs root");
    }

    private static void assertBad(String message, String... args) {
        assertThatThrownBy(() -> RecordOptions.parse(args))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.isHelp()).isFalse())
                .hasMessageContaining(message);
    }
}
