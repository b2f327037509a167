package io.augur.deploy.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The far end of the network scenarios, in the recorder's own process (outside every task cgroup):
 * a TCP server and a UDP socket on loopback that read and drop everything, counting it. The mining
 * beacon sends its datagrams here and the exfiltration streams here, so nothing leaves the machine.
 */
public final class LoopbackSink implements AutoCloseable {
    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final AtomicLong tcpBytes = new AtomicLong();
    private final AtomicLong tcpConnections = new AtomicLong();
    private final AtomicLong udpDatagrams = new AtomicLong();
    private final AtomicLong udpBytes = new AtomicLong();

    private LoopbackSink(ServerSocket tcp, DatagramSocket udp) {
        this.tcp = tcp;
        this.udp = udp;
    }

    /** Opens both sockets on ephemeral loopback ports and starts draining them. */
    public static LoopbackSink start() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try {
            ServerSocket tcp = new ServerSocket(0, 16, lo);
            DatagramSocket udp;
            try {
                udp = new DatagramSocket(new InetSocketAddress(lo, 0));
            } catch (IOException e) {
                tcp.close();
                throw e;
            }
            LoopbackSink sink = new LoopbackSink(tcp, udp);
            daemon("sink-tcp", sink::acceptLoop);
            daemon("sink-udp", sink::udpLoop);
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the loopback sink", e);
        }
    }

    /** The placeholders of {@link Scenario#args(Map)}, resolved to this sink's addresses. */
    public Map<String, String> endpoints() {
        return Map.of(
                Scenario.SINK_TCP, tcpAddress(),
                Scenario.SINK_UDP, udpAddress());
    }

    public String tcpAddress() {
        return tcp.getInetAddress().getHostAddress() + ":" + tcp.getLocalPort();
    }

    public String udpAddress() {
        return udp.getLocalAddress().getHostAddress() + ":" + udp.getLocalPort();
    }

    public long tcpBytes() {
        return tcpBytes.get();
    }

    public long tcpConnections() {
        return tcpConnections.get();
    }

    public long udpDatagrams() {
        return udpDatagrams.get();
    }

    public long udpBytes() {
        return udpBytes.get();
    }

    private void acceptLoop() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                tcpConnections.incrementAndGet();
                daemon("sink-drain", () -> drain(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void drain(Socket s) {
        byte[] buf = new byte[1 << 16];
        try (s;
                InputStream in = s.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                tcpBytes.addAndGet(n);
            }
        } catch (IOException e) {
            // The sender went away.
        }
    }

    private void udpLoop() {
        byte[] buf = new byte[65536];
        while (!udp.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
                udpDatagrams.incrementAndGet();
                udpBytes.addAndGet(p.getLength());
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
