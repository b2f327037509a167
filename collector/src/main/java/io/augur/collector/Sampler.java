package io.augur.collector;

import io.augur.schema.ResourceSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sampling round over every task of the node: keeps each task's previous reading, so a task
 * seen for the first time gives its first sample one round later, and forgets tasks whose group is
 * gone. Single-threaded.
 */
public final class Sampler {
    private final UsageSource source;
    private final TaskDirectory directory;
    private final SampleBuilder builder;
    private final Map<String, TaskReading> previous = new HashMap<>();

    public Sampler(UsageSource source, TaskDirectory directory, SampleBuilder builder) {
        this.source = source;
        this.directory = directory;
        this.builder = builder;
    }

    public List<ResourceSample> sampleOnce() {
        List<ResourceSample> samples = new ArrayList<>();
        Map<String, TaskReading> current = new HashMap<>();
        for (String taskId : source.taskIds()) {
            Optional<TaskReading> reading = source.read(taskId);
            if (reading.isEmpty()) {
                continue;
            }
            current.put(taskId, reading.get());
            TaskReading before = previous.get(taskId);
            if (before != null) {
                builder.build(taskId, directory.infoOf(taskId), before, reading.get())
                        .ifPresent(samples::add);
            }
        }
        previous.clear();
        previous.putAll(current);
        return samples;
    }
}
