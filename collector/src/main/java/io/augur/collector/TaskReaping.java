package io.augur.collector;

import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.TaskReaper.GroupState;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reaper's thread: every {@code every}, once augur.tasks has been caught up (so no ENDED
 * already on the topic is still unread), asks the {@link TaskReaper} which tasks to end, publishes
 * their ENDED on augur.tasks and waits for the acknowledgement, logs and counts each. A publication
 * that fails is tried again at the next scan.
 */
final class TaskReaping implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskReaping.class);

    private final TaskReaper reaper;
    private final Function<String, GroupState> groups;
    private final RecordSink tasksTopic;
    private final Duration ackTimeout;
    private final CollectorMetrics metrics;
    private final Clock clock;
    private final BooleanSupplier caughtUp;
    private final Duration every;
    private final CountDownLatch stop = new CountDownLatch(1);

    /**
     * @param groups the state of a task's group now ({@link #groupsOf} on a node)
     * @param tasksTopic a sink to augur.tasks
     * @param ackTimeout how long to wait for an ENDED's acknowledgement
     * @param caughtUp whether augur.tasks has been read up to where it ended at start
     */
    TaskReaping(
            TaskReaper reaper,
            Function<String, GroupState> groups,
            RecordSink tasksTopic,
            Duration ackTimeout,
            CollectorMetrics metrics,
            Clock clock,
            BooleanSupplier caughtUp,
            Duration every) {
        this.reaper = reaper;
        this.groups = groups;
        this.tasksTopic = tasksTopic;
        this.ackTimeout = ackTimeout;
        this.metrics = metrics;
        this.clock = clock;
        this.caughtUp = caughtUp;
        this.every = every;
    }

    /**
     * A task's group as the node shows it: absent, present with no process in it or the groups
     * below it, or running.
     */
    static Function<String, GroupState> groupsOf(TaskCgroups cgroups) {
        return taskId ->
                cgroups.find(taskId)
                        .map(TaskCgroup::allPids)
                        .map(pids -> pids.isEmpty() ? GroupState.EMPTY : GroupState.RUNNING)
                        .orElse(GroupState.ABSENT);
    }

    @Override
    public void run() {
        do {
            try {
                scanOnce();
            } catch (RuntimeException e) {
                // A failed scan must not stop reaping: log it and go on.
                LOG.error("reaping scan failed", e);
            }
        } while (!stopped());
    }

    /** One scan: reaps what is due (nothing before augur.tasks is caught up). */
    void scanOnce() {
        if (!caughtUp.getAsBoolean()) {
            return;
        }
        for (TaskReaper.Reap reap : reaper.scan(groups, clock.instant())) {
            try {
                tasksTopic
                        .send(KeyedRecord.of(reap.ended()))
                        .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                metrics.reapFailed();
                LOG.warn(
                        "cannot publish the ENDED of reaped task {}: {}; trying again",
                        reap.taskId(),
                        e instanceof ExecutionException ? e.getCause().toString() : e.toString());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            reaper.reaped(reap);
            metrics.reaped(reap.state());
            LOG.warn("reaped {}; the collector published its ENDED", reap.reason());
        }
    }

    /** Waits one period; true when stopped meanwhile. */
    private boolean stopped() {
        try {
            return stop.await(every.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    void stop() {
        stop.countDown();
    }
}
