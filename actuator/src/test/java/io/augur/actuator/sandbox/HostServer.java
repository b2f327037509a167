package io.augur.actuator.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP server in the host's network namespace, on every address (so also on a task's host-end
 * address) and an ephemeral port. Counts connections and, for the first connection, the bytes
 * received during a measuring window that starts with its first byte.
 */
final class HostServer implements AutoCloseable {
    private final ServerSocket server;
    private final long windowNanos;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong windowBytes = new AtomicLong();
    private volatile double measuredSeconds = -1;
    private final Thread acceptor;

    HostServer(long windowMillis) throws IOException {
        this.windowNanos = windowMillis * 1_000_000L;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("0.0.0.0", 0));
        acceptor = new Thread(this::accept, "host-server-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Bytes per second over the window, or -1 while it is not over. */
    double measuredRate() {
        return measuredSeconds < 0 ? -1 : windowBytes.get() / measuredSeconds;
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                if (connections.incrementAndGet() == 1) {
                    measure(s.getInputStream());
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void measure(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long start = -1;
        int n;
        while ((n = in.read(buf)) >= 0) {
            long now = System.nanoTime();
            if (start < 0) {
                start = now;
            }
            windowBytes.addAndGet(n);
            if (now - start >= windowNanos) {
                measuredSeconds = (now - start) / 1e9;
                return;
            }
        }
        if (start >= 0) {
            measuredSeconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
