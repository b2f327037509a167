package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.cgroup.Await;
import io.augur.schema.Fixtures;
import io.augur.schema.TaskEvent;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * {@link TopicFollower#caughtUp} when the start-up catch-up did not finish (the broker was away):
 * it turns true only once following has handed over every record the topic held, which is what the
 * reaper waits for. Kafka's in-memory {@link MockConsumer} stands in for the broker.
 */
class TopicFollowerTest {
    static final String TOPIC = Topics.TASKS.name();
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    static ConsumerRecord<byte[], byte[]> record(long offset, String taskId) {
        return new ConsumerRecord<>(
                TOPIC,
                0,
                offset,
                Topic.keyBytes(taskId),
                Topics.TASKS.codec().encode(Fixtures.taskStarted(taskId, "u", "r")));
    }

    @Test
    void isCaughtUpOnlyOnceFollowingHasReadWhatTheTopicHeld() throws Exception {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, 2L));
        List<String> handed = new CopyOnWriteArrayList<>();
        List<Boolean> caughtUpBeforeTheLastRecord = new CopyOnWriteArrayList<>();
        TopicFollower<TaskEvent> follower =
                new TopicFollower<>(
                        consumer,
                        Topics.TASKS,
                        null,
                        Clock.systemUTC(),
                        e -> handed.add(e.getTaskId()));
        consumer.schedulePollTask(() -> consumer.addRecord(record(0, "a")));
        consumer.schedulePollTask(() -> {}); // a poll with nothing new: still one record short
        consumer.schedulePollTask(
                () -> {
                    caughtUpBeforeTheLastRecord.add(follower.caughtUp());
                    consumer.addRecord(record(1, "b"));
                });
        assertThat(follower.caughtUp()).isFalse();

        Thread following = new Thread(follower, "follower");
        following.start();
        try {
            Await.until("caught up", Duration.ofSeconds(10), follower::caughtUp);
        } finally {
            follower.stop();
            following.join(10_000);
        }

        assertThat(caughtUpBeforeTheLastRecord).containsExactly(false);
        assertThat(handed).containsExactly("a", "b");
    }
}
