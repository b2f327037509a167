package io.augur.deploy.workload;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile workload: a cryptocurrency miner. {@code threads} threads hash an 80-byte block header
 * with double SHA-256 (as Bitcoin does), nonce after nonce, without pause, so each keeps one core
 * busy; at start and then every {@code beaconSeconds} a small UDP datagram reports the hash count
 * to a pool at {@code HOST:PORT}. UDP needs no listener: with none (the default is the discard port
 * on loopback) the beacon is still sent and simply lost, as a miner's is when its pool is down.
 *
 * <p>Usage: {@code MiningBeacon [threads=1] [beaconSeconds=5] [HOST:PORT=127.0.0.1:9]}; threads at
 * most the machine's processors. Stops on SIGTERM.
 */
public final class MiningBeacon {
    static final String USAGE =
            "usage: MiningBeacon [threads=1 (1..processors)] [beaconSeconds=5 (1..3600)]"
                    + " [HOST:PORT|gateway:PORT=127.0.0.1:9]";

    private MiningBeacon() {}

    public static void main(String[] args) throws InterruptedException {
        WorkloadArgs a = new WorkloadArgs(USAGE, args);
        int threads =
                (int) a.number(0, 1, 1, Runtime.getRuntime().availableProcessors(), "threads");
        long beaconSeconds = a.number(1, 5, 1, 3600, "beaconSeconds");
        InetSocketAddress pool = a.hostPort(2, "127.0.0.1:9", "HOST:PORT");

        AtomicLong hashes = new AtomicLong();
        List<Thread> miners = new ArrayList<>();
        Stopper stopper =
                Stopper.install(
                        () -> System.out.println("mining stopped after " + hashes + " hashes"));
        for (int i = 0; i < threads; i++) {
            int id = i;
            Thread t = new Thread(() -> mine(id, hashes, stopper), "miner-" + i);
            t.setDaemon(true);
            t.start();
            miners.add(t);
        }
        System.out.println(
                "mining on "
                        + threads
                        + " thread(s); beacon every "
                        + beaconSeconds
                        + " s to "
                        + pool.getHostString()
                        + ":"
                        + pool.getPort());
        try (DatagramSocket socket = new DatagramSocket()) {
            // The first beacon (the miner's "login" to its pool) goes at once, then one each
            // beaconSeconds.
            long beacons = 0;
            for (boolean first = true;
                    first || stopper.sleep(beaconSeconds * 1000);
                    first = false) {
                beacons++;
                byte[] payload =
                        ("{\"worker\":\""
                                        + ProcessHandle.current().pid()
                                        + "\",\"beacon\":"
                                        + beacons
                                        + ",\"hashes\":"
                                        + hashes.get()
                                        + "}")
                                .getBytes(StandardCharsets.US_ASCII);
                try {
                    socket.send(
                            new DatagramPacket(
                                    payload,
                                    payload.length,
                                    new InetSocketAddress(pool.getHostString(), pool.getPort())));
                } catch (IOException e) {
                    // No route or no such host: the miner keeps mining, as a real one does.
                    if (beacons == 1) {
                        System.out.println("beacon not sent: " + e);
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("no UDP socket for the beacon: " + e);
            while (stopper.sleep(1000)) {
                // Keep mining without beacons.
            }
        } finally {
            stopper.left();
        }
    }

    private static void mine(int id, AtomicLong hashes, Stopper stopper) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer header = ByteBuffer.allocate(80);
        header.putInt(0, id);
        long nonce = 0;
        long shares = 0;
        while (stopper.running()) {
            for (int i = 0; i < 10_000; i++) {
                header.putLong(72, nonce++);
                byte[] h = sha.digest(sha.digest(header.array()));
                if (h[0] == 0 && h[1] == 0) {
                    shares++; // a "share": 16 leading zero bits
                }
            }
            hashes.addAndGet(10_000);
        }
        if (shares < 0) {
            System.out.println(shares); // keeps the loop from being optimised away
        }
    }
}
