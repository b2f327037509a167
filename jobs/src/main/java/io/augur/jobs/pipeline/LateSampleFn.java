package io.augur.jobs.pipeline;

import io.augur.schema.DeadLetter;
import io.augur.schema.DeadLetters;
import io.augur.schema.ResourceSample;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * A sample that arrived after its window had fired (further out of order than the watermark allows)
 * becomes a dead letter with the reason, instead of vanishing. After windowing its Kafka partition
 * and offset are no longer known (-1); the sample itself is kept, re-encoded.
 */
public final class LateSampleFn implements MapFunction<ResourceSample, DeadLetter> {
    private static final long serialVersionUID = 1L;

    public static final String COMPONENT = "jobs.BehaviorProfilerJob.ProfileTaskFn";

    /** Where the window operator puts samples for windows that already fired. */
    public static final OutputTag<ResourceSample> LATE_SAMPLES =
            new OutputTag<>("late-samples", TypeInformation.of(ResourceSample.class));

    private final Clock clock;

    public LateSampleFn(Clock clock) {
        this.clock = clock;
    }

    @Override
    public DeadLetter map(ResourceSample s) throws Exception {
        Instant now = clock.instant();
        return DeadLetters.of(
                Topics.RESOURCES.name(),
                -1,
                -1,
                Topic.keyBytes(s.getTaskId()),
                Topics.RESOURCES.codec().encode(s),
                "validation.LATE",
                "sample of task "
                        + s.getTaskId()
                        + " at "
                        + s.getTimestamp()
                        + " arrived after its window had been scored (more out of order than"
                        + " profiler.watermark.max-out-of-orderness)",
                COMPONENT,
                now);
    }
}
