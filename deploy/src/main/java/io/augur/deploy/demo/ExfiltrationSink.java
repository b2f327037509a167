package io.augur.deploy.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the demo's JVM service streams what it steals once it turns hostile: a TCP server of the
 * demo's own, on the host, that reads, counts and drops everything, so nothing leaves the machine.
 * It listens on every interface (an ephemeral port) because each task has a network namespace of
 * its own and reaches the host only at the host end of its veth pair, whose address is known once
 * the task's launcher created it ({@code --sink gateway:PORT} of {@code OrderService}). So it
 * counts only what comes from a task ({@link SinkPeerFilter}: the launcher's task address pool); a
 * connection from anyone else — another host, a local process — is reset at once, nothing read, and
 * counted in {@link #refusedConnections()}.
 */
public final class ExfiltrationSink implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final SinkPeerFilter peers;

    private ExfiltrationSink(ServerSocket server, SinkPeerFilter peers) {
        this.server = server;
        this.peers = peers;
    }

    /**
     * Opens the server on an ephemeral port of every interface and starts draining what the tasks
     * send ({@link SinkPeerFilter#TASKS}).
     */
    public static ExfiltrationSink start() {
        return start(SinkPeerFilter.TASKS);
    }

    /** As {@link #start()}, counting what comes from the peers {@code peers} admits. */
    static ExfiltrationSink start(SinkPeerFilter peers) {
        try {
            ExfiltrationSink sink = new ExfiltrationSink(new ServerSocket(0, 16), peers);
            Thread t = new Thread(sink::acceptLoop, "exfiltration-sink");
            t.setDaemon(true);
            t.start();
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the exfiltration sink", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Bytes received so far, every connection's. */
    public long bytes() {
        return bytes.get();
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** Connections refused so far: their peer was not a task. */
    public long refusedConnections() {
        return refused.get();
    }

    private void acceptLoop() {
        byte[] buf = new byte[16 * 1024];
        while (!server.isClosed()) {
            // One connection at a time: the service sends one stream a round and closes it.
            try (Socket s = server.accept();
                    InputStream in = s.getInputStream()) {
                if (!peers.admits(s.getInetAddress())) {
                    refused.incrementAndGet();
                    s.setSoLinger(true, 0); // a reset: nothing read, the sender learns at once
                    continue;
                }
                connections.incrementAndGet();
                s.setSoTimeout(10_000);
                for (int n; (n = in.read(buf)) >= 0; ) {
                    bytes.addAndGet(n);
                }
            } catch (IOException e) {
                // closed, the sender went away, or its network was cut mid-stream
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the exfiltration sink", e);
        }
    }
}
