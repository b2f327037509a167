package io.augur.collector.proc;

/**
 * Cumulative traffic of one network namespace, summed over its interfaces except {@code lo} (a
 * task's loopback traffic never leaves it).
 *
 * @param netns the namespace ({@code net:[INODE]})
 * @param rxBytes bytes received
 * @param rxPackets packets received
 * @param txBytes bytes sent
 * @param txPackets packets sent
 */
public record NetCounters(
        String netns, long rxBytes, long rxPackets, long txBytes, long txPackets) {}
