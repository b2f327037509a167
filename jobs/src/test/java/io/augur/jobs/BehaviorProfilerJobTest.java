package io.augur.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.augur.jobs.forecast.TestModels;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** The production pipeline's shape, checked without running it. */
class BehaviorProfilerJobTest {

    private static StreamGraph productionGraph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ProfilerSettings settings = ProfilerSettings.from(withTinyModel());
        BehaviorProfilerJob.withKafka(settings, Clock.systemUTC()).build(env);
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        assertThat(env.getCheckpointConfig().getCheckpointingConsistencyMode())
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(1000);
        return env.getStreamGraph();
    }

    /** The defaults, with the model directory of the tests' untrained model. */
    static Configuration withTinyModel() {
        Configuration c = new Configuration();
        c.set(ProfilerOptions.MODEL_DIR, TestModels.tiny().toString());
        return c;
    }

    @Test
    void everyOperatorHasAStableUidAndAName() {
        StreamGraph graph = productionGraph();
        assertThat(graph.getStreamNodes()).isNotEmpty();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID()).as(node.getOperatorName()).isNotBlank();
        }
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getOperatorName)
                .anyMatch(n -> n.contains("DecodeSamplesFn"))
                .anyMatch(n -> n.contains("TaskWindowFn"))
                .anyMatch(n -> n.contains("ProfileTaskFn"))
                .anyMatch(n -> n.contains("ForecastFn"))
                .anyMatch(n -> n.contains("ScoreTaskFn"))
                .anyMatch(n -> n.contains("UserRollingRiskFn"));
    }

    @Test
    void settingsHaveTheDocumentedDefaultsAndRejectBadValues() {
        ProfilerSettings s = ProfilerSettings.from(withTinyModel());
        assertThat(s.lstm()).isNotNull();
        assertThat(s.lstm().level()).isEqualTo(0.9);
        assertThat(s.lstm().stepMs()).isEqualTo(2000);
        assertThat(s.historySteps()).isEqualTo(48);
        assertThat(s.minHistory()).isEqualTo(8);
        assertThat(s.acceptUnknownTasks()).isFalse();
        assertThat(s.unknownTaskGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.taskEndLinger()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.reputation().initial()).isCloseTo(0.9, within(1e-12));
        assertThat(s.windowSize()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.sourceIdleness()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.horizonSteps()).isEqualTo(10);
        assertThat(s.warmUpSamples()).isEqualTo(2);
        assertThat(s.envelopes().forRole("worker").bound(io.augur.schema.Resource.CPU))
                .isEqualTo(0.6);

        Configuration ewma = new Configuration();
        ewma.set(ProfilerOptions.FORECASTER, "ewma");
        assertThat(ProfilerSettings.from(ewma).lstm()).isNull();

        Configuration noModel = new Configuration();
        noModel.set(ProfilerOptions.MODEL_DIR, "/nonexistent/models");
        assertThatThrownBy(() -> ProfilerSettings.from(noModel))
                .hasMessageContaining("profiler.forecast.model-dir")
                .hasMessageContaining("/nonexistent/models")
                .hasMessageContaining("ewma");

        Configuration shortHistory = withTinyModel();
        shortHistory.set(ProfilerOptions.HISTORY_STEPS, 10);
        assertThatThrownBy(() -> ProfilerSettings.from(shortHistory))
                .hasMessageContaining("reads 24 steps")
                .hasMessageContaining("history-steps is 10");

        Configuration tooYoung = withTinyModel();
        tooYoung.set(ProfilerOptions.MIN_HISTORY, 49);
        assertThatThrownBy(() -> ProfilerSettings.from(tooYoung))
                .hasMessageContaining("profiler.forecast.min-history");

        Configuration unknownModel = new Configuration();
        unknownModel.set(ProfilerOptions.FORECASTER, "arima");
        assertThatThrownBy(() -> ProfilerSettings.from(unknownModel))
                .hasMessageContaining("'lstm' or 'ewma'");

        Configuration tooLong = withTinyModel();
        tooLong.set(ProfilerOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(16));
        assertThatThrownBy(() -> ProfilerSettings.from(tooLong)).hasMessageContaining("15 min");

        Configuration extraRole = withTinyModel();
        extraRole.set(ProfilerOptions.ENVELOPE_ROLES, java.util.List.of("default", "batch"));
        assertThatThrownBy(() -> ProfilerSettings.from(extraRole))
                .hasMessageContaining("profiler.envelope.batch");
        extraRole.set(ProfilerOptions.envelope("batch"), java.util.Map.of("cpu", "2"));
        assertThat(ProfilerSettings.from(extraRole).envelopes().forRole("batch").role())
                .isEqualTo("batch");
    }

    @Test
    void argumentsMapToOptions() throws Exception {
        JobArguments args =
                JobArguments.parse(
                        new String[] {
                            "--bootstrap",
                            "h:1",
                            "--window-ms",
                            "4000",
                            "--profiler.forecast.band-k",
                            "3",
                            "--profiler.forecast.model",
                            "ewma"
                        },
                        JobArguments.COMMON);
        ProfilerSettings s = JobArguments.settings(args.profilerConfiguration());
        assertThat(s.bootstrapServers()).isEqualTo("h:1");
        assertThat(s.windowSize()).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.bandK()).isEqualTo(3.0);
        assertThatThrownBy(
                        () -> JobArguments.parse(new String[] {"--nope", "1"}, JobArguments.COMMON))
                .hasMessageContaining("unknown option --nope");
    }
}
