package io.augur.collector;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.cgroup.CgroupUsage;
import io.augur.cgroup.ResourceLimitsReading;
import io.augur.schema.Fixtures;
import io.augur.schema.ResourceSample;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SamplerTest {
    /** Task groups whose counters the test sets round by round. */
    static final class ScriptedSource implements UsageSource {
        final Map<String, CgroupUsage> now = new TreeMap<>();

        @Override
        public List<String> taskIds() {
            return List.copyOf(now.keySet());
        }

        @Override
        public Optional<TaskReading> read(String taskId) {
            return Optional.ofNullable(now.get(taskId))
                    .filter(CgroupUsage::present)
                    .map(u -> new TaskReading(u, ResourceLimitsReading.NONE));
        }
    }

    final ScriptedSource source = new ScriptedSource();
    final TaskDirectory directory = new TaskDirectory();
    final SamplingSchedule schedule = new SamplingSchedule(java.time.Duration.ofSeconds(1));
    final Sampler sampler = new Sampler(source, directory, new SampleBuilder("node-1"), schedule);

    static CgroupUsage at(String task, int second, long cpuNs) {
        return new CgroupUsage(
                task,
                T0.plusSeconds(second),
                true,
                cpuNs,
                10L,
                5L,
                5L,
                0L,
                0L,
                1L,
                0L,
                0L,
                0L,
                0L,
                0L);
    }

    @Test
    void aNewTaskGivesItsFirstSampleOneRoundLater() {
        directory.learn(Fixtures.taskStarted("task-1", "alice", "batch"));
        source.now.put("task-1", at("task-1", 0, 0));
        assertThat(sampler.sampleOnce()).isEmpty();

        source.now.put("task-1", at("task-1", 1, 1_000_000_000L));
        source.now.put("task-2", at("task-2", 1, 0));
        List<ResourceSample> second = sampler.sampleOnce();

        assertThat(second)
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getTaskId()).isEqualTo("task-1");
                            assertThat(s.getCpuCores()).isEqualTo(1.0);
                            assertThat(s.getUserId()).isEqualTo("alice");
                            assertThat(s.getRole()).isEqualTo("batch");
                        });

        source.now.put("task-1", at("task-1", 2, 1_500_000_000L));
        source.now.put("task-2", at("task-2", 2, 250_000_000L));
        assertThat(sampler.sampleOnce())
                .extracting(
                        ResourceSample::getTaskId,
                        ResourceSample::getCpuCores,
                        ResourceSample::getUserId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("task-1", 0.5, "alice"),
                        org.assertj.core.groups.Tuple.tuple("task-2", 0.25, "unknown"));
    }

    @Test
    void aVanishedTaskIsForgottenAndStartsOverIfItComesBack() {
        source.now.put("task-1", at("task-1", 0, 0));
        sampler.sampleOnce();
        source.now.put("task-1", CgroupUsage.absent("task-1", T0.plusSeconds(1)));
        assertThat(sampler.sampleOnce()).isEmpty();
        source.now.put("task-1", at("task-1", 2, 100));
        assertThat(sampler.sampleOnce()).isEmpty();
        source.now.put("task-1", at("task-1", 3, 200));
        assertThat(sampler.sampleOnce()).hasSize(1);
    }

    @Test
    void onlyDueTasksAreReadAndAFasterTaskGivesShorterSamples() {
        source.now.put("slow", at("slow", 0, 0));
        source.now.put("fast", at("fast", 0, 0));
        assertThat(sampler.sampleDue(T0)).isEmpty();
        schedule.request("fast", java.time.Duration.ofMillis(500), 1);

        source.now.put("fast", usageAt("fast", T0.plusMillis(500), 250_000_000L));
        source.now.put("slow", usageAt("slow", T0.plusMillis(500), 999_000_000L));
        List<ResourceSample> half = sampler.sampleDue(T0.plusMillis(500));

        assertThat(half)
                .extracting(ResourceSample::getTaskId, ResourceSample::getIntervalMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fast", 500L));
        assertThat(half.get(0).getCpuCores()).isEqualTo(0.5);

        source.now.put("fast", usageAt("fast", T0.plusMillis(1000), 500_000_000L));
        source.now.put("slow", usageAt("slow", T0.plusMillis(1000), 1_000_000_000L));
        assertThat(sampler.sampleDue(T0.plusMillis(1000)))
                .extracting(ResourceSample::getTaskId, ResourceSample::getIntervalMs)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("fast", 500L),
                        org.assertj.core.groups.Tuple.tuple("slow", 1000L));
    }

    static CgroupUsage usageAt(String task, java.time.Instant at, long cpuNs) {
        return new CgroupUsage(task, at, true, cpuNs, 10L, 5L, 5L, 0L, 0L, 1L, 0L, 0L, 0L, 0L, 0L);
    }
}
