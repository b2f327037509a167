package io.augur.deploy.record;

import io.augur.cgroup.TaskCgroup;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes cgroup v1 count a task's disk I/O. On this kernel (checked on 6.18) {@code
 * blkio.throttle.io_service_bytes} of a group stays at 0 unless the group has a throttle rule for
 * the device: unthrottled bios are not accounted. The recorder gives each task group a read and a
 * write rule of {@link #NO_LIMIT} bytes/s (8 EiB/s: never reached, so nothing is slowed) on every
 * whole disk, and the collector's disk counters then count. Reads served from the page cache never
 * reach a disk and are not counted either way.
 */
final class BlkioAccounting {
    /** The rule's rate: the largest the kernel keeps as a rule (u64 max means "no rule"). */
    static final long NO_LIMIT = Long.MAX_VALUE;

    private BlkioAccounting() {}

    /**
     * Adds the rules to the task's blkio group; returns the devices ("MAJ:MIN") it counts, empty
     * when the group has no blkio controller (cgroup v2, or v1 without blkio).
     *
     * @throws IOException when the kernel refuses every device
     */
    static List<String> enable(TaskCgroup group, Path sysBlock) throws IOException {
        Path blkio = blkioDir(group);
        if (blkio == null) {
            return List.of();
        }
        List<String> devices = disks(sysBlock);
        List<String> counted = new ArrayList<>();
        IOException last = null;
        for (String device : devices) {
            try {
                for (String file :
                        List.of(
                                "blkio.throttle.read_bps_device",
                                "blkio.throttle.write_bps_device")) {
                    Files.writeString(blkio.resolve(file), device + " " + NO_LIMIT);
                }
                counted.add(device);
            } catch (IOException e) {
                last = e;
            }
        }
        if (counted.isEmpty() && last != null) {
            throw last;
        }
        return counted;
    }

    /** The task's directory in the v1 blkio hierarchy, or null. */
    static Path blkioDir(TaskCgroup group) {
        for (Path procs : group.procsFiles()) {
            Path dir = procs.getParent();
            if (Files.isRegularFile(dir.resolve("blkio.throttle.read_bps_device"))) {
                return dir;
            }
        }
        return null;
    }

    /** "MAJ:MIN" of every whole disk under {@code sysBlock} (/sys/block) with a size above 0. */
    static List<String> disks(Path sysBlock) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(sysBlock)) {
            return out;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sysBlock)) {
            for (Path disk : entries) {
                Path dev = disk.resolve("dev");
                Path size = disk.resolve("size");
                if (!Files.isRegularFile(dev) || !Files.isRegularFile(size)) {
                    continue;
                }
                String sectors = Files.readString(size).trim();
                if (sectors.isEmpty() || sectors.equals("0")) {
                    continue; // an unused loop or zram device
                }
                out.add(Files.readString(dev).trim());
            }
        }
        out.sort(null);
        return out;
    }
}
