package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.collector.TaskReaper.GroupState;
import io.augur.schema.Fixtures;
import io.augur.schema.SchemaDecodeException;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.Topics;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The reaper's thread against an in-memory augur.tasks sink and a scripted clock. */
class TaskReapingTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final Duration GRACE = Duration.ofSeconds(30);

    final CollectorRegistry registry = new CollectorRegistry();
    final CollectorMetrics metrics = new CollectorMetrics(registry);
    final TaskReaper reaper = new TaskReaper("node-r", GRACE);
    final List<TaskEvent> published = new ArrayList<>();
    final AtomicBoolean brokerUp = new AtomicBoolean(true);
    final AtomicBoolean caughtUp = new AtomicBoolean(true);
    Instant now = T0;

    final RecordSink tasksTopic =
            record -> {
                if (!brokerUp.get()) {
                    return CompletableFuture.failedFuture(new IllegalStateException("broker down"));
                }
                try {
                    published.add(Topics.TASKS.codec().decode(record.value(), "augur.tasks", 0, 0));
                } catch (SchemaDecodeException e) {
                    return CompletableFuture.failedFuture(e);
                }
                return CompletableFuture.completedFuture(null);
            };

    TaskReaping reaping() {
        return new TaskReaping(
                reaper,
                id -> GroupState.ABSENT,
                tasksTopic,
                Duration.ofSeconds(1),
                metrics,
                new Clock() {
                    @Override
                    public Instant instant() {
                        return now;
                    }

                    @Override
                    public java.time.ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId zone) {
                        return this;
                    }
                },
                caughtUp::get,
                Duration.ofSeconds(1));
    }

    double reaped(String group) {
        Double v =
                registry.getSampleValue(
                        "augur_collector_tasks_reaped_total",
                        new String[] {"group"},
                        new String[] {group});
        return v == null ? 0 : v;
    }

    /** Task t1's STARTED on this node, as read from augur.tasks. */
    void announceT1() {
        reaper.learn(
                TaskEvent.newBuilder(Fixtures.taskStarted("t1", "u", "batch"))
                        .setNodeId("node-r")
                        .build());
    }

    @Test
    void publishesOneEndedKeyedByTaskAndCountsIt() {
        announceT1();
        TaskReaping reaping = reaping();
        reaping.scanOnce();
        now = T0.plus(GRACE);
        reaping.scanOnce();
        now = now.plusSeconds(1);
        reaping.scanOnce();

        assertThat(published).hasSize(1);
        assertThat(published.get(0).getType()).isEqualTo(TaskEventType.ENDED);
        assertThat(published.get(0).getTimestamp()).isEqualTo(T0.plus(GRACE));
        assertThat(reaped("absent")).isEqualTo(1.0);
    }

    @Test
    void nothingIsReapedBeforeAugurTasksIsCaughtUpAndTheWaitStartsAfter() {
        announceT1();
        caughtUp.set(false);
        TaskReaping reaping = reaping();
        reaping.scanOnce();
        now = T0.plus(GRACE.multipliedBy(2));
        reaping.scanOnce();
        assertThat(published).isEmpty();

        caughtUp.set(true);
        reaping.scanOnce(); // the first observation: the wait starts here
        assertThat(published).isEmpty();
        now = now.plus(GRACE);
        reaping.scanOnce();
        assertThat(published).hasSize(1);
    }

    @Test
    void aFailedPublicationIsCountedAndTriedAgain() {
        announceT1();
        TaskReaping reaping = reaping();
        reaping.scanOnce();
        brokerUp.set(false);
        now = T0.plus(GRACE);
        reaping.scanOnce();
        assertThat(published).isEmpty();
        assertThat(registry.getSampleValue("augur_collector_reap_failures_total")).isEqualTo(1.0);

        brokerUp.set(true);
        now = now.plusSeconds(1);
        reaping.scanOnce();
        now = now.plusSeconds(1);
        reaping.scanOnce();
        assertThat(published).extracting(TaskEvent::getTaskId).containsExactly("t1");
        assertThat(reaped("absent")).isEqualTo(1.0);
    }
}
