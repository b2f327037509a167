package io.augur.deploy.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.launch.UsageException;
import io.augur.schema.Fixtures;
import io.augur.schema.Topics;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExportOptionsTest {
    static final Instant NOW = Fixtures.T0.plusSeconds(86_400);

    private static ExportOptions parse(String... args) throws UsageException {
        return ExportOptions.parse(args, NOW);
    }

    @Test
    void aTopicExportDefaultsToAvroFromTheBeginning() throws Exception {
        ExportOptions o =
                parse("--bootstrap", "h:1", "--topic", "augur.verdicts", "--out", "/tmp/x");
        assertThat(o.topic()).contains(Topics.VERDICTS);
        assertThat(o.format()).isEqualTo(ExportOptions.Format.AVRO);
        assertThat(o.since()).isEmpty();
        assertThat(o.until()).isEmpty();
        assertThat(o.out()).isEqualTo(Path.of("/tmp/x"));
        assertThat(o.verdicts()).isFalse();
    }

    @Test
    void sinceAndUntilAreDurationsBackFromNowOrInstants() throws Exception {
        assertThat(ExportOptions.instant("2h", NOW, "--since")).isEqualTo(NOW.minusSeconds(7200));
        assertThat(ExportOptions.instant("7d", NOW, "--since"))
                .isEqualTo(NOW.minusSeconds(7 * 86_400));
        assertThat(ExportOptions.instant("30s", NOW, "--since")).isEqualTo(NOW.minusSeconds(30));
        assertThat(ExportOptions.instant("15m", NOW, "--since")).isEqualTo(NOW.minusSeconds(900));
        assertThat(ExportOptions.instant("PT1H", NOW, "--since")).isEqualTo(NOW.minusSeconds(3600));
        assertThat(ExportOptions.instant("2026-01-01T00:00:00Z", NOW, "--since"))
                .isEqualTo(Fixtures.T0);
        ExportOptions o =
                parse(
                        "--bootstrap",
                        "h:1",
                        "--verdicts",
                        "--since",
                        "1d",
                        "--until",
                        "1h",
                        "--out",
                        "d");
        assertThat(o.verdicts()).isTrue();
        assertThat(o.since()).contains(Fixtures.T0);
        assertThat(o.until()).contains(NOW.minusSeconds(3600));
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertThatThrownBy(() -> parse("--bootstrap", "h:1", "--topic", "nope", "--out", "d"))
                .hasMessageContaining("unknown topic 'nope'")
                .hasMessageContaining("augur.anomalies");
        assertThatThrownBy(() -> parse("--bootstrap", "h:1", "--out", "d"))
                .hasMessageContaining("--topic TOPIC or --verdicts");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap",
                                        "h:1",
                                        "--verdicts",
                                        "--topic",
                                        "augur.tasks",
                                        "--out",
                                        "d"))
                .hasMessageContaining("--topic TOPIC or --verdicts");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap",
                                        "h:1",
                                        "--topic",
                                        "augur.tasks",
                                        "--format",
                                        "parquet",
                                        "--out",
                                        "d"))
                .hasMessageContaining("Parquet is not available");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap",
                                        "h:1",
                                        "--topic",
                                        "augur.tasks",
                                        "--since",
                                        "yesterday",
                                        "--out",
                                        "d"))
                .hasMessageContaining("got 'yesterday'");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap",
                                        "h:1",
                                        "--topic",
                                        "augur.tasks",
                                        "--since",
                                        "1h",
                                        "--until",
                                        "2h",
                                        "--out",
                                        "d"))
                .hasMessageContaining("is before --since");
        assertThatThrownBy(() -> parse("--bootstrap", "h:1", "--topic", "augur.tasks"))
                .hasMessageContaining("--out DIR");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "--bootstrap",
                                        "h:1",
                                        "--verdicts",
                                        "--format",
                                        "jsonl",
                                        "--out",
                                        "d"))
                .hasMessageContaining("--format is for --topic");
    }
}
