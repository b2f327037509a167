package io.augur.deploy.record;

import io.augur.deploy.demo.SinkPeerFilter;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The far end of the network scenarios, in the recorder's own process (outside every task cgroup
 * and in the host's network namespace): a TCP server and a UDP socket that read and drop
 * everything, counting it. Every task runs in a network namespace of its own (./augur run) and
 * reaches the host through its veth pair, so the sockets listen on every interface and the
 * scenarios are given {@code gateway:PORT}: the host's end of their own link. The mining beacon
 * sends its datagrams here and the exfiltration streams here, so nothing leaves the machine.
 *
 * <p>Listening on every interface, it is reachable from any host that can reach this machine, so it
 * counts only what comes from a task ({@link SinkPeerFilter}: the launcher's task address pool). A
 * connection from anywhere else is closed at once (reset) and a datagram dropped, uncounted; {@link
 * #refusedConnections()} and {@link #refusedDatagrams()} say how many, and the first refusal of
 * each address is logged.
 */
public final class RecordingSink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingSink.class);

    /** The workloads' name for the host's end of their link ({@code AUGUR_HOST_ADDRESS}). */
    static final String GATEWAY = "gateway";

    /** Refused addresses logged one by one; past that, refusals are only counted. */
    static final int LOGGED_REFUSED_PEERS = 32;

    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final SinkPeerFilter peers;
    private final AtomicLong tcpBytes = new AtomicLong();
    private final AtomicLong tcpConnections = new AtomicLong();
    private final AtomicLong udpDatagrams = new AtomicLong();
    private final AtomicLong udpBytes = new AtomicLong();
    private final AtomicLong refusedConnections = new AtomicLong();
    private final AtomicLong refusedDatagrams = new AtomicLong();
    private final Set<InetAddress> loggedRefusals = ConcurrentHashMap.newKeySet();

    private RecordingSink(ServerSocket tcp, DatagramSocket udp, SinkPeerFilter peers) {
        this.tcp = tcp;
        this.udp = udp;
        this.peers = peers;
    }

    /**
     * Opens both sockets on ephemeral ports of every interface and starts draining them, counting
     * what the tasks send ({@link SinkPeerFilter#TASKS}).
     */
    public static RecordingSink start() {
        return start(SinkPeerFilter.TASKS);
    }

    /** As {@link #start()}, counting what comes from the peers {@code peers} admits. */
    static RecordingSink start(SinkPeerFilter peers) {
        try {
            ServerSocket tcp = new ServerSocket(0, 16);
            DatagramSocket udp;
            try {
                udp = new DatagramSocket(new InetSocketAddress(0));
            } catch (IOException e) {
                tcp.close();
                throw e;
            }
            RecordingSink sink = new RecordingSink(tcp, udp, peers);
            daemon("sink-tcp", sink::acceptLoop);
            daemon("sink-udp", sink::udpLoop);
            return sink;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the recording sink", e);
        }
    }

    /** The placeholders of {@link Scenario#args(Map)}, resolved to this sink's addresses. */
    public Map<String, String> endpoints() {
        return Map.of(
                Scenario.SINK_TCP, tcpAddress(),
                Scenario.SINK_UDP, udpAddress());
    }

    /** {@code gateway:PORT} of the TCP socket, as a task in its own namespace reaches it. */
    public String tcpAddress() {
        return GATEWAY + ":" + tcp.getLocalPort();
    }

    /** {@code gateway:PORT} of the UDP socket. */
    public String udpAddress() {
        return GATEWAY + ":" + udp.getLocalPort();
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

    /** Connections from peers that are not tasks: closed at once, nothing read from them. */
    public long refusedConnections() {
        return refusedConnections.get();
    }

    /** Datagrams from peers that are not tasks: dropped, not in {@link #udpBytes()}. */
    public long refusedDatagrams() {
        return refusedDatagrams.get();
    }

    /** The addresses counted: the task address pool. */
    public String admittedPeers() {
        return peers.toString();
    }

    private void acceptLoop() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                if (!peers.admits(s.getInetAddress())) {
                    refuse(s);
                    continue;
                }
                tcpConnections.incrementAndGet();
                daemon("sink-drain", () -> drain(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void refuse(Socket s) {
        refusedConnections.incrementAndGet();
        noteRefused(s.getInetAddress(), "a TCP connection");
        try (s) {
            s.setSoLinger(true, 0); // a reset: the sender learns at once, nothing is read
        } catch (IOException e) {
            // Gone already.
        }
    }

    private void noteRefused(InetAddress peer, String what) {
        if (loggedRefusals.size() < LOGGED_REFUSED_PEERS && loggedRefusals.add(peer)) {
            LOG.warn(
                    "recording sink: refused {} from {}, which is not a task (outside the task"
                            + " address pool {}); not counted, and further refusals of this"
                            + " address are only counted",
                    what,
                    peer.getHostAddress(),
                    peers);
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
                if (!peers.admits(p.getAddress())) {
                    refusedDatagrams.incrementAndGet();
                    noteRefused(p.getAddress(), "a UDP datagram");
                    continue;
                }
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
