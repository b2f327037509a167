package io.augur.actuator.net;

import io.augur.schema.NetworkDestination;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * The IPv4 range task links are cut from (default {@code 10.231.0.0/16}): one {@code /30} per task,
 * {@code .1} on the host end, {@code .2} on the task end. Pure: the caller says which blocks are in
 * use (the launcher reads them from the host's interfaces while it holds a lock, so two launchers
 * never pick the same block). A task's first choice is a hash of its id, so a task usually gets the
 * same addresses again; taken blocks are skipped in order.
 *
 * @param network the range's first address
 * @param prefixLength the range's prefix length (at most 30)
 */
public record AddressPool(int network, int prefixLength) {

    /** Prefix length of one task link: a point-to-point pair. */
    public static final int LINK_PREFIX = 30;

    /** The range the launcher uses unless told otherwise. */
    public static final AddressPool DEFAULT = parse("10.231.0.0/16");

    /** One task's link. */
    public record Link(int block, String hostAddress, String taskAddress) {
        public String hostCidr() {
            return hostAddress + "/" + LINK_PREFIX;
        }

        public String taskCidr() {
            return taskAddress + "/" + LINK_PREFIX;
        }
    }

    public AddressPool {
        if (prefixLength < 8 || prefixLength > LINK_PREFIX) {
            throw new IllegalArgumentException(
                    "a task address range needs a prefix length in 8..30, got " + prefixLength);
        }
        int mask = mask(prefixLength);
        if ((network & ~mask) != 0) {
            throw new IllegalArgumentException(
                    format(network) + "/" + prefixLength + " is not the start of its range");
        }
    }

    /** {@code A.B.C.D/N}. */
    public static AddressPool parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected A.B.C.D/N, got '" + cidr + "'");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected A.B.C.D/N, got '" + cidr + "'");
        }
        return new AddressPool(parseAddress(cidr.substring(0, slash)), prefix);
    }

    public int blocks() {
        return 1 << (LINK_PREFIX - prefixLength);
    }

    /**
     * The task's link: its preferred block (a hash of the id) or the next free one after it.
     *
     * @throws IllegalStateException when every block is in use
     */
    public Link allocate(String taskId, Set<Integer> usedBlocks) {
        int n = blocks();
        int first = preferredBlock(taskId);
        for (int i = 0; i < n; i++) {
            int b = (first + i) % n;
            if (!usedBlocks.contains(b)) {
                return link(b);
            }
        }
        throw new IllegalStateException(
                "every task link in " + this + " is in use (" + n + " links)");
    }

    public int preferredBlock(String taskId) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(taskId.getBytes(StandardCharsets.UTF_8));
            int h =
                    ((d[0] & 0xff) << 24)
                            | ((d[1] & 0xff) << 16)
                            | ((d[2] & 0xff) << 8)
                            | (d[3] & 0xff);
            return Math.floorMod(h, blocks());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public Link link(int block) {
        if (block < 0 || block >= blocks()) {
            throw new IllegalArgumentException("no block " + block + " in " + this);
        }
        int start = network + block * 4;
        return new Link(block, format(start + 1), format(start + 2));
    }

    /** The block an address of this range belongs to, or -1 when it is outside the range. */
    public int blockOf(String address) {
        int a = parseAddress(address);
        if ((a & mask(prefixLength)) != network) {
            return -1;
        }
        return (a - network) >>> 2;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    static int mask(int prefix) {
        return NetworkDestination.mask(prefix);
    }

    static int parseAddress(String s) {
        return NetworkDestination.parseAddress(s);
    }

    static String format(int a) {
        return ((a >>> 24) & 0xff)
                + "."
                + ((a >>> 16) & 0xff)
                + "."
                + ((a >>> 8) & 0xff)
                + "."
                + (a & 0xff);
    }
}
