package io.augur.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class EnforcementLoopLagTest {

    @Test
    void theLagIsTheSumOverTheAssignedPartitions() {
        MockConsumer<byte[], byte[]> consumer =
                new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        TopicPartition p0 = new TopicPartition(Topics.DECISIONS.name(), 0);
        TopicPartition p1 = new TopicPartition(Topics.DECISIONS.name(), 1);
        consumer.assign(List.of(p0, p1));
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));

        consumer.updateEndOffsets(Map.of(p0, 10L, p1, 4L));
        consumer.seek(p0, 7);
        consumer.seek(p1, 4);
        assertThat(EnforcementLoop.lag(consumer)).hasValue(3);
    }
}
