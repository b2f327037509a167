package io.augur.collector;

import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides which tasks of this node ended without their launcher saying so (a launcher SIGKILLed,
 * OOM-killed or crashed publishes no ENDED on augur.tasks): pure, fed with augur.tasks' events, the
 * state of the tracked tasks' groups and the time.
 *
 * <p>The rule:
 *
 * <ul>
 *   <li>Only a task this node's launcher announced (a STARTED with {@code nodeId} = this node)
 *       whose ENDED has not been seen is tracked. A group without a STARTED seen (augur.tasks has
 *       no record of it, or not yet) is never reaped: there is nothing to end downstream, and no
 *       STARTED to copy the ENDED from.
 *   <li>A tracked task is reaped once its group has been in one and the same "gone" state — absent,
 *       or present with no process in it or the groups below it — for {@code grace} of this
 *       reaper's own observations. Any process seen resets the wait, and so does a change between
 *       absent and empty (a group that reappears is a new launcher's; one that disappears was
 *       removed by a launcher that is about to publish ENDED, or by the leftovers' clean-up).
 *   <li>A present but empty group is "gone" because a launcher's first child runs inside the group
 *       and the launcher waits for it, and a dying launcher's command is killed with it ({@code
 *       setpriv --pdeathsig}, bubblewrap's {@code --die-with-parent}): once the group is empty its
 *       launcher, if alive, removes the group and publishes ENDED within moments; only a dead (or
 *       stuck) launcher leaves an empty group for longer. The one legitimate gone spell is set-up:
 *       a launcher publishes STARTED before it creates the group, and between the group's creation
 *       and its first process it sets up the network (nft, tc) and the seccomp supervisor (up to 10
 *       s); the default grace (120 s) is above the 60 s a demo gives a launch.
 *   <li>A reaped task stays tracked until the reaped ENDED is confirmed published ({@link
 *       #reaped}); a publication that failed is offered again at the next scan. An ENDED or a new
 *       STARTED read meanwhile wins.
 * </ul>
 *
 * <p>Thread-safe: events arrive on the follower's thread, scans on the reaper's.
 */
public final class TaskReaper {

    /** What the node shows of a tracked task's group. */
    public enum GroupState {
        /** Processes run in the group (or the groups below it). */
        RUNNING,
        /** The group exists with no process in it. */
        EMPTY,
        /** There is no group. */
        ABSENT
    }

    /**
     * One reap: the ENDED to publish and why.
     *
     * @param started the task's STARTED, as read
     * @param ended the ENDED event: the STARTED's fields, type ENDED, timestamp of the reap
     * @param state the group's state that lasted
     * @param since when the reaper first saw that state
     */
    public record Reap(
            TaskEvent started,
            TaskEvent ended,
            GroupState state,
            Instant since,
            boolean groupSeen) {
        public String taskId() {
            return ended.getTaskId();
        }

        /** A line for the log: which task and why. */
        public String reason() {
            return "task "
                    + ended.getTaskId()
                    + " (user "
                    + ended.getUserId()
                    + ", role "
                    + ended.getRole()
                    + ") STARTED but no ENDED on augur.tasks, and its cgroup has been "
                    + (state == GroupState.ABSENT ? "absent" : "empty of processes")
                    + " since "
                    + since
                    + " ("
                    + Duration.between(since, ended.getTimestamp()).toSeconds()
                    + " s): its launcher died (or hangs) without publishing ENDED"
                    + (groupSeen
                            ? ""
                            : "; this collector never saw its group: if the task runs, its"
                                    + " launcher's --cgroup-root or mount is not the collector's");
        }
    }

    private static final class Tracked {
        final TaskEvent started;
        GroupState state;
        Instant since;
        boolean seen;

        Tracked(TaskEvent started) {
            this.started = started;
        }
    }

    private final String node;
    private final Duration grace;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();

    /**
     * @param node this node's id: only its tasks are tracked
     * @param grace how long a task's group must stay absent or empty before it is reaped
     */
    public TaskReaper(String node, Duration grace) {
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("grace must be positive, got " + grace);
        }
        this.node = node;
        this.grace = grace;
    }

    /** Takes in an augur.tasks event (also the reaper's own ENDED, read back). */
    public synchronized void learn(TaskEvent event) {
        String taskId = event.getTaskId();
        if (event.getType() == TaskEventType.ENDED) {
            tracked.remove(taskId);
        } else if (node.equals(event.getNodeId())) {
            Tracked t = tracked.get(taskId);
            if (t == null || !t.started.equals(event)) {
                // A different STARTED of a tracked task is a new life (the id reused): wait
                // afresh. The same one read again (a producer's retry) changes nothing.
                tracked.put(taskId, new Tracked(event));
            }
        } else {
            tracked.remove(taskId); // the id now runs elsewhere
        }
    }

    /**
     * Looks at every tracked task's group and returns the tasks to reap now. They stay tracked (and
     * are returned again by later scans) until {@link #reaped} or an ENDED.
     *
     * @param groups the state of a task's group now
     */
    public synchronized List<Reap> scan(Function<String, GroupState> groups, Instant now) {
        List<Reap> due = new ArrayList<>();
        for (Map.Entry<String, Tracked> e : tracked.entrySet()) {
            Tracked t = e.getValue();
            GroupState state = groups.apply(e.getKey());
            if (state != t.state) {
                t.state = state;
                t.since = now;
            }
            t.seen |= state != GroupState.ABSENT;
            if (state != GroupState.RUNNING
                    && Duration.between(t.since, now).compareTo(grace) >= 0) {
                due.add(
                        new Reap(
                                t.started,
                                TaskEvent.newBuilder(t.started)
                                        .setType(TaskEventType.ENDED)
                                        .setTimestamp(now)
                                        .build(),
                                state,
                                t.since,
                                t.seen));
            }
        }
        return due;
    }

    /** The reap's ENDED was published: the task is no longer tracked (unless it started again). */
    public synchronized void reaped(Reap reap) {
        Tracked t = tracked.get(reap.taskId());
        if (t != null && t.started.equals(reap.started())) {
            tracked.remove(reap.taskId());
        }
    }

    /** Tasks tracked now: STARTED on this node, no ENDED seen. */
    public synchronized List<String> tracked() {
        return List.copyOf(tracked.keySet());
    }
}
