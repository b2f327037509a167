package io.augur.deploy.demo;

import io.augur.actuator.net.LinuxSplitNetworkEffector;
import io.augur.actuator.net.TaskNetNames;
import io.augur.actuator.net.TaskNetworks;
import io.augur.cgroup.CgroupVersion;
import io.augur.cgroup.TaskCgroups;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sandbox launcher ({@code ./augur run}) that was killed before it cleaned up leaves of its
 * task's sandbox, and its removal. A launcher removes its task's cgroup and network (namespace,
 * veth pair, shaping device, allow-list tables) when its command ends; killed (SIGKILL), it cannot,
 * and until a launcher of the same task id runs again ({@code ./augur run --task ID -- true}) they
 * stay. The demo and the recorder kill a launcher that does not get its task into its cgroup within
 * {@link WorkloadLauncher#LAUNCH_TIMEOUT} or does not clean up within {@link
 * WorkloadLauncher#CLEANUP_GRACE}, and then remove the rest themselves through this.
 */
public interface SandboxLeftovers {

    /**
     * Removes whatever is left of task {@code taskId}'s sandbox. Only to be called once its
     * launcher is dead: a live launcher owns them.
     *
     * @return what was there and is removed now, for messages ({@code network namespace
     *     augur-task-ID}, ...); empty when nothing was left
     * @throws RuntimeException when something cannot be removed (the message says what)
     */
    List<String> remove(String taskId);

    /**
     * This host's: with the launcher's own clean-up ({@link TaskNetworks#destroy}, {@link
     * TaskCgroups#destroy} and, on cgroup v1, {@link LinuxSplitNetworkEffector#removeGroups}), the
     * calls a launcher makes when it ends and when it finds what a dead launcher of its task id
     * left.
     *
     * @param cgroups the root the launchers put their tasks under
     */
    static SandboxLeftovers onThisHost(TaskCgroups cgroups) {
        return taskId -> removeFromThisHost(cgroups, taskId);
    }

    private static List<String> removeFromThisHost(TaskCgroups cgroups, String taskId) {
        List<String> found = present(cgroups, taskId);
        // As the launcher's own clean-up: each part tried, whatever the others did.
        RuntimeException failure = null;
        try {
            cgroups.destroy(taskId);
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            // Made here, not up front: it needs ip (iproute2), as the launcher did.
            TaskNetworks.onThisHost().destroy(taskId);
        } catch (RuntimeException e) {
            failure = add(failure, e);
        }
        if (cgroups.version() == CgroupVersion.V1) {
            try {
                LinuxSplitNetworkEffector.cgroup2Mount()
                        .ifPresent(
                                m ->
                                        LinuxSplitNetworkEffector.removeGroups(
                                                m, cgroups.rootName(), taskId));
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        // A part that went away between a look and its removal fails that removal, but is gone
        // all the same; one whose removal failed quietly (split groups) is still there: only what
        // is there now is a failure.
        List<String> left = present(cgroups, taskId);
        if (!left.isEmpty()) {
            throw new IllegalStateException(
                    "cannot remove what is left of task "
                            + taskId
                            + "'s sandbox (still there: "
                            + String.join(", ", left)
                            + ")"
                            + (failure == null ? "" : ": " + failure.getMessage()),
                    failure);
        }
        return found;
    }

    /** What of task {@code taskId}'s sandbox is on this host now. */
    private static List<String> present(TaskCgroups cgroups, String taskId) {
        TaskNetNames n = TaskNetNames.of(taskId);
        List<String> found = new ArrayList<>();
        if (cgroups.find(taskId).isPresent()) {
            found.add("cgroup " + cgroups.rootName() + "/" + taskId);
        }
        if (TaskNetworks.namespaceExists(n)) {
            found.add("network namespace " + n.namespace());
        }
        if (TaskNetworks.interfaceExists(n.hostInterface())) {
            found.add("veth " + n.hostInterface());
        }
        if (TaskNetworks.interfaceExists(n.ingressInterface())) {
            found.add("shaping device " + n.ingressInterface());
        }
        for (String table : List.of(n.filterTable(), n.restrictionTable())) {
            try {
                if (TaskNetworks.tableExists(table)) {
                    found.add("nft table inet " + table);
                }
            } catch (RuntimeException e) {
                // nft could not say: not named here, and its removal still tried.
            }
        }
        if (cgroups.version() == CgroupVersion.V1) {
            // On v1 the split processes' network groups live in the unified hierarchy.
            LinuxSplitNetworkEffector.cgroup2Mount()
                    .map(m -> m.resolve(cgroups.rootName()).resolve(taskId))
                    .filter(Files::isDirectory)
                    .ifPresent(g -> found.add("split network groups " + g));
        }
        return found;
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
