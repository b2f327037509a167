package io.augur.deploy.workload;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Benign workload: a service under steady load. A loopback server answers a client in the same task
 * at a fixed {@code requestsPerSecond}: each request carries {@code payloadBytes}, the server
 * spends {@code workMicros} of CPU time on it (hashing) and answers with a 32-byte digest. CPU is
 * about rate × work (0.05 cores by default) whatever the machine's speed; buffers are allocated
 * once, so memory stays flat.
 *
 * <p>Usage: {@code SteadyService [requestsPerSecond=100] [workMicros=500] [payloadBytes=1024]}.
 * Stops on SIGTERM.
 */
public final class SteadyService {
    static final String USAGE =
            "usage: SteadyService [requestsPerSecond=100 (1..5000)] [workMicros=500 (0..100000)]"
                    + " [payloadBytes=1024 (1..1048576)]";

    private SteadyService() {}

    public static void main(String[] args) throws IOException {
        WorkloadArgs a = new WorkloadArgs(USAGE, args);
        long rate = a.number(0, 100, 1, 5000, "requestsPerSecond");
        long workMicros = a.number(1, 500, 0, 100_000, "workMicros");
        int payloadBytes = (int) a.number(2, 1024, 1, 1 << 20, "payloadBytes");

        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Stopper stopper = Stopper.install(() -> close(server));
        Thread serving = new Thread(() -> serve(server, workMicros), "server");
        serving.setDaemon(true);
        serving.start();
        System.out.println(
                "serving "
                        + rate
                        + " req/s on "
                        + server.getLocalSocketAddress()
                        + ", "
                        + workMicros
                        + " us of CPU each");
        long served = 0;
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                DataInputStream in = new DataInputStream(client.getInputStream())) {
            client.setTcpNoDelay(true);
            byte[] payload = new byte[payloadBytes];
            byte[] answer = new byte[32];
            Pace pace = new Pace(rate);
            while (stopper.running()) {
                payload[(int) (served % payloadBytes)]++;
                out.writeInt(payloadBytes);
                out.write(payload);
                out.flush();
                in.readFully(answer);
                served++;
                if (!pace.spent(1, stopper)) {
                    break;
                }
            }
        } catch (IOException e) {
            if (stopper.running()) {
                throw e;
            }
        } finally {
            System.out.println("served " + served + " requests");
            stopper.left();
        }
    }

    private static void serve(ServerSocket server, long workMicros) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Socket s = server.accept();
                DataInputStream in = new DataInputStream(s.getInputStream());
                DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            s.setTcpNoDelay(true);
            byte[] request = new byte[0];
            while (true) {
                int length = in.readInt();
                if (request.length != length) {
                    request = new byte[length];
                }
                in.readFully(request);
                long cpuStart = threads.getCurrentThreadCpuTime();
                byte[] digest = sha.digest(request);
                while (threads.getCurrentThreadCpuTime() - cpuStart < workMicros * 1000) {
                    sha.update(digest);
                    digest = sha.digest(request);
                }
                out.write(digest);
                out.flush();
            }
        } catch (IOException e) {
            // The client or the server socket closed: the service is stopping.
        }
    }

    private static void close(ServerSocket server) {
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
    }
}
