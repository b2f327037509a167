package io.augur.jobs.pipeline;

import io.augur.schema.DeadLetter;
import io.augur.schema.RiskAssessment;
import io.augur.schema.Topic;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Record keys as the topic catalogue defines them (UTF-8 strings). */
public final class KeySchemas {
    private KeySchemas() {}

    /** augur.risk is keyed by taskId. */
    public static SerializationSchema<RiskAssessment> taskId() {
        return a -> Topic.keyBytes(a.getTaskId());
    }

    /** augur.dlq is keyed by the topic the bad record came from. */
    public static SerializationSchema<DeadLetter> sourceTopic() {
        return d -> Topic.keyBytes(d.getSourceTopic());
    }
}
