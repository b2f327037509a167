package io.augur.cgroup;

/** Parsing of the value formats cgroup files use. */
final class CgroupValues {
    /** v1 reports "no memory limit" as a huge page-rounded number (PAGE_COUNTER_MAX pages). */
    static final long V1_UNLIMITED_THRESHOLD = 1L << 62;

    private CgroupValues() {}

    static Long parseLongOrNull(String value) {
        if (value == null || value.isEmpty() || value.equals("max")) {
            return null;
        }
        return Long.parseLong(value.trim());
    }

    /** The value of {@code key} in a "key value" per line file (memory.stat, cpu.stat). */
    static Long keyed(String content, String key) {
        if (content == null) {
            return null;
        }
        for (String line : content.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                return Long.parseLong(parts[1]);
            }
        }
        return null;
    }

    /**
     * Sum of "MAJ:MIN Read N" / "MAJ:MIN Write N" lines (v1 blkio io_service_bytes and
     * io_serviced).
     */
    static Long v1BlkioSum(String content, String op) {
        if (content == null) {
            return null;
        }
        long sum = 0;
        for (String line : content.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[1].equals(op)) {
                sum += Long.parseLong(parts[2]);
            }
        }
        return sum;
    }

    /** Sum of "key=N" over "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.." lines (v2 io.stat). */
    static Long v2IoSum(String content, String key) {
        if (content == null) {
            return null;
        }
        long sum = 0;
        for (String line : content.split("\n")) {
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith(key + "=")) {
                    sum += Long.parseLong(field.substring(key.length() + 1));
                }
            }
        }
        return sum;
    }

    static void requirePositive(double value, String what) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + value);
        }
    }
}
