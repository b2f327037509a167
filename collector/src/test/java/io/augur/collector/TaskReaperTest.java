package io.augur.collector;

import static io.augur.collector.TaskReaper.GroupState.ABSENT;
import static io.augur.collector.TaskReaper.GroupState.EMPTY;
import static io.augur.collector.TaskReaper.GroupState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.collector.TaskReaper.GroupState;
import io.augur.collector.TaskReaper.Reap;
import io.augur.schema.Fixtures;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskReaperTest {
    static final String NODE = "node-r";
    static final Duration GRACE = Duration.ofSeconds(30);
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    final TaskReaper reaper = new TaskReaper(NODE, GRACE);

    /** The groups as the node shows them; a task not listed has no group. */
    final Map<String, GroupState> groups = new HashMap<>();

    final List<String> asked = new ArrayList<>();

    static TaskEvent started(String taskId, String node, Instant at) {
        return TaskEvent.newBuilder(Fixtures.taskStarted(taskId, "user-" + taskId, "batch"))
                .setNodeId(node)
                .setTimestamp(at)
                .build();
    }

    static TaskEvent ended(TaskEvent started, Instant at) {
        return TaskEvent.newBuilder(started).setType(TaskEventType.ENDED).setTimestamp(at).build();
    }

    List<Reap> scanAt(Instant now) {
        return reaper.scan(
                id -> {
                    asked.add(id);
                    return groups.getOrDefault(id, ABSENT);
                },
                now);
    }

    List<String> reapedAt(Instant now) {
        return scanAt(now).stream().map(Reap::taskId).toList();
    }

    @Test
    void aTaskWhoseGroupStaysAbsentIsReapedAfterTheGraceWithItsStartedFieldsCopied() {
        TaskEvent started = started("t1", NODE, T0.minusSeconds(600));
        reaper.learn(started);
        groups.put("t1", RUNNING);
        assertThat(scanAt(T0)).isEmpty();
        groups.remove("t1"); // the launcher and its workload were killed, the group removed

        assertThat(scanAt(T0.plusSeconds(1))).isEmpty();
        assertThat(scanAt(T0.plusSeconds(30))).isEmpty(); // 29 s absent
        List<Reap> due = scanAt(T0.plusSeconds(31));

        assertThat(due).hasSize(1);
        Reap reap = due.get(0);
        assertThat(reap.ended())
                .isEqualTo(
                        TaskEvent.newBuilder(started)
                                .setType(TaskEventType.ENDED)
                                .setTimestamp(T0.plusSeconds(31))
                                .build());
        assertThat(reap.state()).isEqualTo(ABSENT);
        assertThat(reap.since()).isEqualTo(T0.plusSeconds(1));
        assertThat(reap.reason()).contains("task t1", "absent", "30 s").doesNotContain("never saw");
    }

    @Test
    void anEmptyGroupIsReapedLikeAnAbsentOne() {
        reaper.learn(started("t1", NODE, T0));
        groups.put("t1", EMPTY); // launcher killed, its workload ended later: the group is left

        assertThat(scanAt(T0)).isEmpty();
        List<Reap> due = scanAt(T0.plus(GRACE));

        assertThat(due).extracting(Reap::state).containsExactly(EMPTY);
        assertThat(due.get(0).reason()).contains("empty of processes");
    }

    @Test
    void aGroupWithProcessesIsNeverReapedHoweverLongItRuns() {
        reaper.learn(started("t1", NODE, T0));
        groups.put("t1", RUNNING); // e.g. the launcher died but its workload runs on

        for (int s = 0; s <= 3600; s += 60) {
            assertThat(scanAt(T0.plusSeconds(s))).isEmpty();
        }
    }

    @Test
    void anyProcessSeenRestartsTheWait() {
        reaper.learn(started("t1", NODE, T0));
        groups.put("t1", EMPTY); // set-up: the group exists, its first process comes later
        scanAt(T0);
        scanAt(T0.plusSeconds(20));
        groups.put("t1", RUNNING);
        scanAt(T0.plusSeconds(21));
        groups.put("t1", EMPTY);
        scanAt(T0.plusSeconds(22));

        assertThat(scanAt(T0.plusSeconds(51))).isEmpty();
        assertThat(reapedAt(T0.plusSeconds(52))).containsExactly("t1");
    }

    @Test
    void aGroupThatAppearsOrVanishesRestartsTheWait() {
        reaper.learn(started("t1", NODE, T0));
        scanAt(T0); // absent
        groups.put("t1", EMPTY); // a new launcher of the id created its group
        scanAt(T0.plusSeconds(25));

        assertThat(scanAt(T0.plusSeconds(50))).isEmpty();
        groups.remove("t1"); // removed: a launcher about to publish ENDED
        scanAt(T0.plusSeconds(54));
        assertThat(scanAt(T0.plusSeconds(80))).isEmpty();
        assertThat(reapedAt(T0.plusSeconds(84))).containsExactly("t1");
    }

    @Test
    void onlyThisNodesTasksAreTrackedOrAskedAbout() {
        reaper.learn(started("here", NODE, T0));
        reaper.learn(started("there", "node-other", T0));

        scanAt(T0);
        assertThat(reapedAt(T0.plus(GRACE))).containsExactly("here");
        assertThat(asked).doesNotContain("there");
        assertThat(reaper.tracked()).containsExactly("here");
    }

    @Test
    void aTaskStartedHereThenStartedOnAnotherNodeIsNotReapedHere() {
        reaper.learn(started("t1", NODE, T0));
        reaper.learn(started("t1", "node-other", T0.plusSeconds(5)));

        scanAt(T0.plusSeconds(10));
        assertThat(scanAt(T0.plusSeconds(100))).isEmpty();
    }

    @Test
    void aGroupWhoseStartedWasNeverSeenIsNeverReaped() {
        groups.put("unannounced", EMPTY);

        scanAt(T0);
        assertThat(scanAt(T0.plusSeconds(3600))).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void anEndedSeenBeforeTheGraceLapsesEndsTheWait() {
        TaskEvent started = started("t1", NODE, T0);
        reaper.learn(started);
        scanAt(T0);
        reaper.learn(ended(started, T0.plusSeconds(2))); // the launcher's own, a little late

        assertThat(scanAt(T0.plusSeconds(60))).isEmpty();
        assertThat(reaper.tracked()).isEmpty();
    }

    @Test
    void aTaskWithItsEndedAlreadyReadIsNeverTracked() {
        TaskEvent started = started("t1", NODE, T0);
        reaper.learn(started);
        reaper.learn(ended(started, T0.plusSeconds(5)));

        scanAt(T0.plusSeconds(10));
        assertThat(scanAt(T0.plusSeconds(100))).isEmpty();
    }

    @Test
    void aReapIsOfferedAgainUntilItsEndedIsPublished() {
        reaper.learn(started("t1", NODE, T0));
        scanAt(T0);
        List<Reap> first = scanAt(T0.plus(GRACE)); // its publication fails: not confirmed

        List<Reap> again = scanAt(T0.plus(GRACE).plusSeconds(1));
        assertThat(again).extracting(Reap::taskId).containsExactly("t1");
        assertThat(first.get(0).since()).isEqualTo(again.get(0).since());

        reaper.reaped(again.get(0));
        assertThat(scanAt(T0.plus(GRACE).plusSeconds(2))).isEmpty();
        assertThat(reaper.tracked()).isEmpty();
    }

    @Test
    void theReapersOwnEndedReadBackEndsTrackingToo() {
        reaper.learn(started("t1", NODE, T0));
        scanAt(T0);
        Reap reap = scanAt(T0.plus(GRACE)).get(0);

        reaper.learn(reap.ended());
        reaper.reaped(reap); // confirmation after the read-back: harmless

        assertThat(reaper.tracked()).isEmpty();
    }

    @Test
    void aNewStartedOfTheIdWhilePublishingIsANewLifeThatWaitsAfresh() {
        TaskEvent old = started("t1", NODE, T0);
        reaper.learn(old);
        scanAt(T0);
        Reap reap = scanAt(T0.plus(GRACE)).get(0);
        reaper.learn(started("t1", NODE, T0.plusSeconds(40))); // a new launcher of the id

        reaper.reaped(reap); // the old life's ENDED: the new life stays tracked
        assertThat(reaper.tracked()).containsExactly("t1");
        assertThat(scanAt(T0.plusSeconds(41))).isEmpty();
        assertThat(scanAt(T0.plusSeconds(70))).isEmpty();
        assertThat(reapedAt(T0.plusSeconds(71))).containsExactly("t1");
    }

    @Test
    void theSameStartedReadTwiceKeepsTheWait() {
        TaskEvent started = started("t1", NODE, T0);
        reaper.learn(started);
        scanAt(T0);
        reaper.learn(TaskEvent.newBuilder(started).build());

        assertThat(reapedAt(T0.plus(GRACE))).containsExactly("t1");
    }

    @Test
    void afterARestartTheTopicsHistoryDecidesAndTheGraceCountsFromTheFirstScan() {
        // augur.tasks as a restarted collector re-reads it from the beginning: a task ended by
        // its launcher, one reaped by the previous run, one still running, one whose launcher
        // died while the collector was down.
        TaskEvent endedByLauncher = started("a", NODE, T0.minusSeconds(3600));
        TaskEvent reapedBefore = started("b", NODE, T0.minusSeconds(3000));
        TaskEvent running = started("c", NODE, T0.minusSeconds(2000));
        TaskEvent orphan = started("d", NODE, T0.minusSeconds(1000));
        TaskReaper restarted = new TaskReaper(NODE, GRACE);
        for (TaskEvent e :
                List.of(
                        endedByLauncher,
                        reapedBefore,
                        running,
                        orphan,
                        ended(endedByLauncher, T0.minusSeconds(3500)),
                        ended(reapedBefore, T0.minusSeconds(2900)))) {
            restarted.learn(e);
        }
        groups.put("c", RUNNING);

        assertThat(restarted.tracked()).containsExactly("c", "d");
        assertThat(restarted.scan(id -> groups.getOrDefault(id, ABSENT), T0)).isEmpty();
        assertThat(
                        restarted.scan(
                                id -> groups.getOrDefault(id, ABSENT),
                                T0.plus(GRACE).minusMillis(1)))
                .isEmpty();
        List<Reap> due = restarted.scan(id -> groups.getOrDefault(id, ABSENT), T0.plus(GRACE));
        assertThat(due).extracting(Reap::taskId).containsExactly("d");
        // Its group was gone before this collector looked: the log line says so, as a root the
        // collector does not watch would look the same.
        assertThat(due.get(0).reason()).contains("never saw its group");
    }

    @Test
    void theGraceMustBePositive() {
        assertThatThrownBy(() -> new TaskReaper(NODE, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
