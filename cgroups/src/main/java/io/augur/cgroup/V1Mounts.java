package io.augur.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where each cgroup v1 controller Augur uses is mounted. cpu, cpuacct, memory and pids are
 * required; blkio (disk counters and throttling), freezer (race-free kill, quarantine) and cpuset
 * are used when present. cpu and cpuacct may be one mount ({@code cpu,cpuacct}) or two.
 */
public record V1Mounts(
        Path cpu, Path cpuacct, Path memory, Path pids, Path blkio, Path freezer, Path cpuset) {

    public V1Mounts {
        require(cpu, "cpu");
        require(cpuacct, "cpuacct");
        require(memory, "memory");
        require(pids, "pids");
    }

    /** The usual layout: {@code mount/cpu}, {@code mount/cpuacct}, ... */
    public static V1Mounts under(Path mount) {
        Path cpu = mount.resolve("cpu");
        Path cpuacct = mount.resolve("cpuacct");
        if (!Files.isDirectory(cpuacct) && Files.isRegularFile(cpu.resolve("cpuacct.usage"))) {
            cpuacct = cpu;
        }
        return new V1Mounts(
                cpu,
                cpuacct,
                mount.resolve("memory"),
                mount.resolve("pids"),
                optional(mount.resolve("blkio")),
                optional(mount.resolve("freezer")),
                optional(mount.resolve("cpuset")));
    }

    /** Every distinct hierarchy, each once even when mounted together. */
    public List<Path> hierarchies() {
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> result = new ArrayList<>();
        for (Path p : new Path[] {cpu, cpuacct, memory, pids, blkio, freezer, cpuset}) {
            if (p != null && seen.add(real(p))) {
                result.add(p);
            }
        }
        return result;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve cgroup mount " + p, e);
        }
    }

    private static Path optional(Path p) {
        return Files.isDirectory(p) ? p : null;
    }

    private static void require(Path p, String controller) {
        if (p == null || !Files.isDirectory(p)) {
            throw new CgroupUnavailableException(
                    "cgroup v1 controller '" + controller + "' is not mounted (" + p + ")");
        }
    }
}
