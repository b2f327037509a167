package io.augur.collector.proc;

/** Parses {@code /proc/PID/net/dev}. Pure. */
final class NetDev {
    private NetDev() {}

    /**
     * Sums every interface but {@code lo}.
     *
     * @throws IllegalArgumentException when a line is not in the kernel's format
     */
    static NetCounters parse(String netns, String content) {
        long rxBytes = 0;
        long rxPackets = 0;
        long txBytes = 0;
        long txPackets = 0;
        for (String line : content.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) {
                continue; // the two header lines
            }
            String name = line.substring(0, colon).trim();
            if (name.equals("lo")) {
                continue;
            }
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (f.length < 10) {
                throw new IllegalArgumentException("not a net/dev line: " + line);
            }
            rxBytes += Long.parseLong(f[0]);
            rxPackets += Long.parseLong(f[1]);
            txBytes += Long.parseLong(f[8]);
            txPackets += Long.parseLong(f[9]);
        }
        return new NetCounters(netns, rxBytes, rxPackets, txBytes, txPackets);
    }
}
