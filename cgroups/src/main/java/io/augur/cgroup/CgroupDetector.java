package io.augur.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** Picks the cgroup version of a node from what is mounted. */
final class CgroupDetector {
    private CgroupDetector() {}

    static TaskCgroups detect(String rootName, Path mount, Clock clock) {
        if (Files.isRegularFile(mount.resolve("cpu").resolve("cpu.cfs_period_us"))) {
            return new V1TaskCgroups(
                    V1Mounts.under(mount), rootName, clock, CgroupFs.host(), ProcessSignals.host());
        }
        if (Files.isRegularFile(mount.resolve("cgroup.controllers"))) {
            return new V2TaskCgroups(
                    mount, rootName, clock, CgroupFs.host(), ProcessSignals.host());
        }
        throw new CgroupUnavailableException(
                "no usable cgroup hierarchy under "
                        + mount
                        + ": neither a v1 cpu hierarchy (cpu/cpu.cfs_period_us) nor a unified"
                        + " v2 one (cgroup.controllers)");
    }
}
