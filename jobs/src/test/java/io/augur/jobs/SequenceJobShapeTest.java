package io.augur.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.jobs.sequence.SequenceSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production pipeline with the sequence branch on, checked without running it. */
class SequenceJobShapeTest {
    @TempDir Path models;

    private Configuration withSequences() throws IOException {
        Files.createDirectories(models.resolve("adfa"));
        Configuration c = BehaviorProfilerJobTest.withTinyModel();
        c.set(SequenceOptions.ENABLED, true);
        c.set(SequenceOptions.MODEL_DIR, models.toString());
        return c;
    }

    @Test
    void theSequenceBranchIsOffByDefault() {
        assertThat(ProfilerSettings.from(BehaviorProfilerJobTest.withTinyModel()).sequences())
                .isNull();
    }

    @Test
    void everyOperatorOfTheSequenceBranchHasAStableUidAndAName() throws IOException {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        BehaviorProfilerJob.withKafka(ProfilerSettings.from(withSequences()), Clock.systemUTC())
                .build(env);
        StreamGraph graph = env.getStreamGraph();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotBlank();
        }
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getOperatorName)
                .anyMatch(n -> n.contains("augur.telemetry.invocations source"))
                .anyMatch(n -> n.contains("augur.verdicts source"))
                .anyMatch(n -> n.contains("DecodeInvocationsFn"))
                .anyMatch(n -> n.contains("SequenceHistoryFn"))
                .anyMatch(n -> n.contains("NextCallFn"))
                .anyMatch(n -> n.contains("ScoreSequenceFn"))
                .anyMatch(n -> n.contains("UserSequenceFn"))
                .anyMatch(n -> n.contains("augur.anomalies sink"));
    }

    @Test
    void optionsHaveTheDocumentedDefaults() throws IOException {
        SequenceSettings s = ProfilerSettings.from(withSequences()).sequences();
        assertThat(s.modelDir()).isEqualTo(models.toString());
        assertThat(s.windowInvocations()).isEqualTo(50);
        assertThat(s.windowSpan()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.historyLength()).isEqualTo(32);
        assertThat(s.maxBatch()).isEqualTo(256);
        assertThat(s.thresholds().lowFloor()).isEqualTo(1.5);
        assertThat(s.thresholds().highMultiplier()).isEqualTo(5);
        assertThat(s.topGOverride()).isZero();
    }

    @Test
    void theRunnersFlagTurnsTheBranchOn() throws Exception {
        Files.createDirectories(models.resolve("default"));
        JobArguments a =
                JobArguments.parse(
                        new String[] {
                            "--sequence-model-dir",
                            models.toString(),
                            "--model-dir",
                            io.augur.jobs.forecast.TestModels.tiny().toString()
                        },
                        BehaviorProfilerJob.localOptions());
        SequenceSettings s = JobArguments.settings(a.profilerConfiguration()).sequences();
        assertThat(s).isNotNull();
        assertThat(s.modelDir()).isEqualTo(models.toString());
        assertThat(LocalJobRunner.USAGE).contains("--sequence-model-dir DIR");
    }

    @Test
    void anEmptyOrMissingModelDirectoryIsAClearError() {
        Configuration c = BehaviorProfilerJobTest.withTinyModel();
        c.set(SequenceOptions.ENABLED, true);
        c.set(SequenceOptions.MODEL_DIR, models.resolve("nope").toString());
        assertThatThrownBy(() -> ProfilerSettings.from(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profiler.sequences.model-dir")
                .hasMessageContaining("docs/sequence-model.md");
        Configuration bad = BehaviorProfilerJobTest.withTinyModel();
        bad.set(SequenceOptions.ENABLED, true);
        bad.set(SequenceOptions.MODEL_DIR, models.toString());
        bad.set(SequenceOptions.LOW_FLOOR, 9.0);
        assertThatThrownBy(() -> ProfilerSettings.from(bad)).hasMessageContaining("floors");
    }
}
