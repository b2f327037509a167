package io.augur.deploy.workload;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Hostile workload: bulk data exfiltration. It first writes a set of files (the "data" it will
 * steal; {@code mebibytes} in 16 files, forced to disk), then, round after round: stays quiet for
 * {@code quietSeconds}, then reads the whole set in bulk (direct I/O, so the reads reach the disk)
 * and streams it over one TCP connection to {@code HOST:PORT} as fast as it goes. With {@code self}
 * it starts its own discarding sink on loopback (its receiving work then counts in the task too);
 * when the sink cannot be reached it still reads the set and drops it. Bounded: at most {@link
 * #MAX_MEBIBYTES} of files, deleted on exit.
 *
 * <p>Usage: {@code ExfiltrationBurst [quietSeconds=10] [mebibytes=128] [HOST:PORT|self=self]
 * [rounds=0 (unlimited)]}. Stops on SIGTERM.
 */
public final class ExfiltrationBurst {
    public static final int MAX_MEBIBYTES = 1024;
    static final int FILES = 16;

    static final String USAGE =
            "usage: ExfiltrationBurst [quietSeconds=10 (0..3600)] [mebibytes=128 (1.."
                    + MAX_MEBIBYTES
                    + ")] [HOST:PORT|gateway:PORT|self=self] [rounds=0 (0 = unlimited)]";

    private ExfiltrationBurst() {}

    public static void main(String[] args) throws IOException {
        WorkloadArgs a = new WorkloadArgs(USAGE, args);
        long quietSeconds = a.number(0, 10, 0, 3600, "quietSeconds");
        long mebibytes = a.number(1, 128, 1, MAX_MEBIBYTES, "mebibytes");
        boolean self = a.text(2, "self").equals("self");
        InetSocketAddress sinkAddress = self ? null : a.hostPort(2, "self", "HOST:PORT");
        long rounds = a.number(3, 0, 0, 1_000_000, "rounds");

        Path dir = DiskFiles.tempDir("augur-exfil");
        ServerSocket ownSink = self ? startSink() : null;
        InetSocketAddress target =
                self
                        ? new InetSocketAddress(
                                InetAddress.getLoopbackAddress(), ownSink.getLocalPort())
                        : new InetSocketAddress(sinkAddress.getHostString(), sinkAddress.getPort());
        Stopper stopper =
                Stopper.install(
                        () -> {
                            closeQuietly(ownSink);
                            DiskFiles.deleteTree(dir);
                        });
        try {
            long bytesEach = Math.max(DiskFiles.BLOCK, mebibytes * DiskFiles.BLOCK / FILES);
            List<Path> files = DiskFiles.generate(dir, "loot", FILES, bytesEach, 7, stopper);
            System.out.println(
                    "wrote " + files.size() + " files in " + dir + "; exfiltrating to " + target);
            ByteBuffer buf = DiskFiles.alignedBuffer(dir, DiskFiles.BLOCK);
            for (long round = 1; rounds == 0 || round <= rounds; round++) {
                if (!stopper.sleep(quietSeconds * 1000)) {
                    break;
                }
                long t0 = System.nanoTime();
                long sent = burst(files, buf, target, stopper);
                if (!stopper.running()) {
                    break;
                }
                System.out.printf(
                        "round %d: %d bytes in %d ms%n",
                        round, sent, (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (IOException e) {
            if (stopper.running()) {
                throw e;
            }
        } finally {
            stopper.left();
        }
    }

    /** Reads every file and sends it; returns the bytes sent (0 when the sink is unreachable). */
    private static long burst(
            List<Path> files, ByteBuffer buf, InetSocketAddress target, Stopper stopper)
            throws IOException {
        SocketChannel out = null;
        try {
            out = SocketChannel.open(target);
        } catch (IOException e) {
            System.out.println("sink " + target + " unreachable (" + e.getMessage() + ")");
        }
        long sent = 0;
        try {
            for (Path file : files) {
                try (FileChannel in = DiskFiles.open(file, false, false)) {
                    long pos = 0;
                    int n;
                    while (stopper.running() && (n = DiskFiles.readAt(in, buf, pos)) > 0) {
                        pos += n;
                        if (out != null) {
                            while (buf.hasRemaining()) {
                                sent += out.write(buf);
                            }
                        }
                    }
                }
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
        return sent;
    }

    /** A loopback TCP server that reads and drops everything, on its own daemon threads. */
    private static ServerSocket startSink() throws IOException {
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread accept =
                new Thread(
                        () -> {
                            while (!server.isClosed()) {
                                try {
                                    Socket s = server.accept();
                                    Thread drain = new Thread(() -> drain(s), "sink-drain");
                                    drain.setDaemon(true);
                                    drain.start();
                                } catch (IOException e) {
                                    return;
                                }
                            }
                        },
                        "sink-accept");
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    private static void drain(Socket s) {
        byte[] buf = new byte[1 << 16];
        try (s;
                InputStream in = s.getInputStream()) {
            while (in.read(buf) >= 0) {
                // Dropped.
            }
        } catch (IOException e) {
            // The sender went away.
        }
    }

    private static void closeQuietly(ServerSocket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
