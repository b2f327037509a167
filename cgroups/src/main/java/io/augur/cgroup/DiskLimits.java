package io.augur.cgroup;

/**
 * Disk throttling for a group, the same on every whole disk of the node (see {@link
 * BlockDevices#wholeDisks}). A null field means "not throttled".
 *
 * @param readBps bytes read per second
 * @param writeBps bytes written per second
 * @param readIops read operations per second
 * @param writeIops write operations per second
 */
public record DiskLimits(Long readBps, Long writeBps, Long readIops, Long writeIops) {
    /** No throttling. */
    public static final DiskLimits NONE = new DiskLimits(null, null, null, null);

    public DiskLimits {
        for (Long v : new Long[] {readBps, writeBps, readIops, writeIops}) {
            if (v != null && v <= 0) {
                throw new IllegalArgumentException("disk limits must be positive, got " + v);
            }
        }
    }

    public boolean isNone() {
        return readBps == null && writeBps == null && readIops == null && writeIops == null;
    }
}
