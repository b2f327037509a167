package io.augur.collector.bench;

import io.augur.agent.wire.Frame;
import io.augur.agent.wire.FrameReader;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM agent's overhead on {@link io.augur.collector.bench.shop.MethodHeavyWorkload}: forked
 * JVMs with and without the agent, alternating, {@code runs} each; the workload's own time (every
 * round but the first, which warms up) and the whole process's; medians and the slowdown. While the
 * agent runs, this process drains its socket and counts the events and drops, so nothing is
 * measured that was silently not recorded. Part of {@code ./augur bench collector}.
 */
final class AgentOverhead {
    private AgentOverhead() {}

    record Run(
            boolean agent,
            long workNanos,
            long processNanos,
            long invocations,
            long events,
            long drops) {}

    /**
     * The figures of one configuration.
     *
     * @param work spin iterations per call
     * @param agentArgs extra agent arguments (e.g. {@code rate=4})
     * @param baselineNanosPerCall median workload time per recorded-method call without the agent
     * @param slowdownPercent median workload time with the agent against without, in percent
     * @param addedNanosPerCall what the agent adds per call
     * @param processSlowdownPercent the same over whole processes (start-up included)
     */
    record Result(
            int work,
            String agentArgs,
            double baselineNanosPerCall,
            double slowdownPercent,
            double addedNanosPerCall,
            double processSlowdownPercent) {}

    /**
     * @param home the Augur checkout (agent/target/augur-agent.jar and collector/target/classes)
     * @param extra agent arguments beyond packages and socket, empty for none
     */
    static Result run(Path home, int runs, int orders, int rounds, int work, String extra)
            throws IOException, InterruptedException {
        Path jar = home.resolve("agent/target/augur-agent.jar");
        Path classes = home.resolve("collector/target/classes");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " missing: ./augur build");
        }
        Path dir = Files.createTempDirectory("augur-bench");
        Path socket = dir.resolve("invocations.sock");
        Drain drain = new Drain(socket);
        drain.start();

        String agentArgs =
                "packages=io.augur.collector.bench.shop;socket="
                        + socket
                        + (extra.isEmpty() ? "" : ";" + extra);
        List<Run> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            boolean agentFirst = r % 2 == 1;
            for (boolean agent :
                    agentFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                if (agent) {
                    cmd.add("-javaagent:" + jar + "=" + agentArgs);
                }
                cmd.addAll(
                        List.of(
                                "-cp",
                                classes.toString(),
                                "io.augur.collector.bench.shop.MethodHeavyWorkload",
                                Integer.toString(orders),
                                Integer.toString(rounds),
                                Integer.toString(work)));
                long events0 = drain.events.get();
                drain.lastDrops.set(0);
                long connections0 = drain.closed.get();
                long start = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                long workNanos = 0;
                long invocations = 0;
                int round = 0;
                try (BufferedReader out =
                        new BufferedReader(
                                new InputStreamReader(
                                        p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.startsWith("ROUND ")) {
                            String[] f = line.split(" ");
                            if (round++ > 0) {
                                workNanos += Long.parseLong(f[1]);
                            }
                            invocations += Long.parseLong(f[2]);
                        } else if (!line.startsWith("CHECK ")) {
                            System.err.println("workload: " + line);
                        }
                    }
                }
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("workload exited with " + p.exitValue());
                }
                long processNanos = System.nanoTime() - start;
                long events = 0;
                long drops = 0;
                if (agent) {
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (drain.closed.get() == connections0 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    events = drain.events.get() - events0;
                    drops = drain.lastDrops.get();
                }
                Run run = new Run(agent, workNanos, processNanos, invocations, events, drops);
                results.add(run);
                System.err.printf(
                        "  agent run %d %-8s workload %7.1f ms  process %7.1f ms%s%n",
                        r + 1,
                        agent ? "agent" : "baseline",
                        workNanos / 1e6,
                        processNanos / 1e6,
                        agent
                                ? String.format(
                                        "  events %d + dropped %d of %d invocations",
                                        events, drops, invocations + 1)
                                : "");
            }
        }
        drain.close();
        double base = median(results, false, true);
        double with = median(results, true, true);
        double baseP = median(results, false, false);
        double withP = median(results, true, false);
        long invocations = results.get(0).invocations() * (rounds - 1) / rounds;
        return new Result(
                work,
                extra,
                base / invocations,
                (with / base - 1) * 100,
                (with - base) / invocations,
                (withP / baseP - 1) * 100);
    }

    static String line(Result r) {
        return String.format(
                java.util.Locale.ROOT,
                "agent: work %d, args '%s': %.0f ns per call without the agent, slowdown %.1f %%"
                        + " (+%.0f ns per call); whole process %.1f %%",
                r.work(),
                r.agentArgs(),
                r.baselineNanosPerCall(),
                r.slowdownPercent(),
                r.addedNanosPerCall(),
                r.processSlowdownPercent());
    }

    static double median(List<Run> runs, boolean agent, boolean workload) {
        List<Long> v = new ArrayList<>();
        for (Run r : runs) {
            if (r.agent() == agent) {
                v.add(workload ? r.workNanos() : r.processNanos());
            }
        }
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2.0;
    }

    /** A minimal collector: accepts agents, decodes their frames, counts events and drops. */
    static final class Drain implements AutoCloseable {
        final Path socket;
        final ServerSocketChannel server;
        final AtomicLong events = new AtomicLong();
        final AtomicLong lastDrops = new AtomicLong();
        final AtomicLong closed = new AtomicLong();

        Drain(Path socket) throws IOException {
            this.socket = socket;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
        }

        void start() {
            Thread t = new Thread(this::acceptLoop, "drain");
            t.setDaemon(true);
            t.start();
        }

        void acceptLoop() {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread t = new Thread(() -> read(ch), "drain-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        void read(SocketChannel ch) {
            try (ch) {
                FrameReader r =
                        new FrameReader(
                                new BufferedInputStream(Channels.newInputStream(ch), 65536));
                for (Frame f = r.read(); f != null; f = r.read()) {
                    if (f instanceof Frame.Events e) {
                        events.addAndGet(e.events().size());
                    } else if (f instanceof Frame.Drops d) {
                        lastDrops.set(d.cumulative());
                    }
                }
            } catch (IOException e) {
                System.err.println("drain: " + e);
            } finally {
                closed.incrementAndGet();
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            Files.deleteIfExists(socket);
        }
    }
}
