package io.augur.agent.wire;

/**
 * One recorded invocation as it travels on the wire.
 *
 * @param millis when it was invoked, epoch milliseconds
 * @param thread the invoking thread's name
 * @param name {@code binary.class.Name#method}
 * @param digest the first 8 bytes of the salted SHA-256 of the arguments, big-endian
 */
public record Event(long millis, String thread, String name, long digest) {

    /** The digest as 16 lowercase hex digits, how the collector publishes it. */
    public String digestHex() {
        return hex(digest);
    }

    public static String hex(long digest) {
        String h = Long.toHexString(digest);
        return h.length() == 16 ? h : "0".repeat(16 - h.length()) + h;
    }
}
