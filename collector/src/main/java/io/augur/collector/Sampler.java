package io.augur.collector;

import io.augur.collector.proc.ProcessReading;
import io.augur.schema.ResourceSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reads the node's tasks and turns each task's consecutive readings into samples: a task seen for
 * the first time gives its first sample one reading later; a task whose group is gone is forgotten.
 * Each task is read when its {@link SamplingSchedule} says so ({@link #sampleDue}), or every task
 * at once ({@link #sampleOnce}). Called from one thread.
 */
public final class Sampler {
    private final UsageSource source;
    private final TaskDirectory directory;
    private final SampleBuilder builder;
    private final SamplingSchedule schedule;
    private final Map<String, TaskReading> previous = new HashMap<>();

    public Sampler(
            UsageSource source,
            TaskDirectory directory,
            SampleBuilder builder,
            SamplingSchedule schedule) {
        this.source = source;
        this.directory = directory;
        this.builder = builder;
        this.schedule = schedule;
    }

    /** Tasks with a reading kept (those a sample can come from). */
    public int tasks() {
        return previous.size();
    }

    /** Each task's processes at its latest reading. */
    public Map<String, List<Long>> processes() {
        Map<String, List<Long>> pids = new HashMap<>();
        previous.forEach(
                (task, reading) ->
                        pids.put(
                                task,
                                reading.processes().processes().stream()
                                        .map(ProcessReading::pid)
                                        .toList()));
        return pids;
    }

    /** Reads every task at once, whatever its schedule. */
    public List<ResourceSample> sampleOnce() {
        return sample(taskId -> true);
    }

    /** Reads the tasks that are due at {@code now}, and finds new ones. */
    public List<ResourceSample> sampleDue(Instant now) {
        return sample(taskId -> schedule.due(taskId, now));
    }

    private List<ResourceSample> sample(Predicate<String> due) {
        List<String> present = source.taskIds();
        schedule.retain(present);
        previous.keySet().retainAll(new HashSet<>(present));
        List<ResourceSample> samples = new ArrayList<>();
        for (String taskId : present) {
            if (!due.test(taskId)) {
                continue;
            }
            Optional<TaskReading> reading = source.read(taskId);
            if (reading.isEmpty()) {
                previous.remove(taskId);
                schedule.forgetReading(taskId);
                continue;
            }
            schedule.read(taskId, reading.get().usage().timestamp());
            TaskReading before = previous.put(taskId, reading.get());
            if (before != null) {
                builder.build(taskId, directory.infoOf(taskId), before, reading.get())
                        .ifPresent(samples::add);
            }
        }
        return samples;
    }
}
