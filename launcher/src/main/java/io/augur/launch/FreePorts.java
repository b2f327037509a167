package io.augur.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Picks free loopback ports, so no test or local stack hard-codes one. */
public final class FreePorts {
    /** Lowest port {@link #range} considers: above the well-known and most registered ones. */
    static final int RANGE_FLOOR = 20000;

    private static final Path EPHEMERAL = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private FreePorts() {}

    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /**
     * The first of {@code count} consecutive ports that are all free on every interface, chosen
     * below the kernel's ephemeral range. For a port range a process searches itself (Flink's
     * Prometheus reporter takes the range's first free port): a port of the ephemeral range can be
     * taken at any moment by the local end of an outgoing connection, which {@link #next()}'s ports
     * cannot rule out and a range of neighbours is most exposed to.
     */
    public static int range(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a range of " + count + " ports");
        }
        int[] ephemeral = ephemeralRange();
        // Below the ephemeral ports if there is room, else above them (a widened ephemeral range).
        int from = RANGE_FLOOR;
        int to = ephemeral[0] - count + 1; // exclusive bound of the first port: ends below them
        if (to <= from) {
            from = ephemeral[1] + 1;
            to = 65536 - count + 1;
        }
        if (to <= from) {
            throw new IllegalStateException(
                    "no room for "
                            + count
                            + " consecutive ports outside the ephemeral range "
                            + ephemeral[0]
                            + "-"
                            + ephemeral[1]
                            + " ("
                            + EPHEMERAL
                            + ")");
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(from, to);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException(
                "no " + count + " consecutive free ports starting in " + from + ".." + (to - 1));
    }

    /** The low end of the kernel's ephemeral port range (Linux's default when unreadable). */
    static int ephemeralLow() {
        return ephemeralRange()[0];
    }

    /** The kernel's ephemeral port range, both ends inclusive (Linux's default when unreadable). */
    static int[] ephemeralRange() {
        try {
            // Line by line: readString trusts /proc's size, and reads a fraction of the file.
            String[] bounds = Files.readAllLines(EPHEMERAL).get(0).trim().split("\\s+");
            return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999};
        }
    }

    /** Whether ports first .. first + count - 1 can all be bound on the wildcard address now. */
    static boolean allFree(int first, int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int p = first; p < first + count; p++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.bind(new InetSocketAddress(p)); // the wildcard: a reporter binds there
            }
            return true;
        } catch (IOException busy) {
            return false;
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }
}
