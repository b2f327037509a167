package io.augur.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The machine's block devices, as cgroup v1 blkio names them. */
public final class BlockDevices {
    /** Where the kernel lists them. */
    public static final Path SYS_BLOCK = Path.of("/sys/block");

    /**
     * The rate of the accounting rules a new v1 task group gets per disk: the largest the kernel
     * keeps as a rule (8 EiB/s), so it never slows anything.
     */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    private BlockDevices() {}

    /** "MAJ:MIN" of every whole disk under {@code sysBlock} with a size above 0, sorted. */
    public static List<String> wholeDisks(Path sysBlock) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sysBlock)) {
            for (Path disk : entries) {
                Path dev = disk.resolve("dev");
                Path size = disk.resolve("size");
                if (!Files.isRegularFile(dev) || !Files.isRegularFile(size)) {
                    continue;
                }
                String sectors = Files.readString(size).trim();
                if (!sectors.isEmpty() && !sectors.equals("0")) { // unused loop or zram devices
                    out.add(Files.readString(dev).trim());
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }
}
