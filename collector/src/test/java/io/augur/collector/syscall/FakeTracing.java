package io.augur.collector.syscall;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** In-memory tracers and process tables for the capture's unit tests. */
final class FakeTracing {
    private FakeTracing() {}

    /** A tracer whose output is given; it runs until its output is read, or until detached. */
    static class Session implements TraceSession {
        final long pid;
        final List<Long> attachedTo;
        final InputStream trace;
        final InputStream diagnostics;
        final CountDownLatch detached = new CountDownLatch(1);
        volatile boolean killed;

        Session(long pid, List<Long> attachedTo, InputStream trace, InputStream diagnostics) {
            this.pid = pid;
            this.attachedTo = attachedTo;
            this.trace = trace;
            this.diagnostics = diagnostics;
        }

        /** A tracer that prints {@code trace}, then runs on until detached or killed. */
        static Session live(long pid, List<Long> attachedTo, byte[] trace, String diagnostics) {
            return new Session(pid, attachedTo, new Held(trace), text(diagnostics));
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public InputStream trace() {
            return trace;
        }

        @Override
        public InputStream diagnostics() {
            return diagnostics;
        }

        @Override
        public void detach() {
            detached.countDown();
            if (trace instanceof Held held) {
                held.release.countDown();
            }
        }

        @Override
        public boolean awaitExit(Duration timeout) throws InterruptedException {
            return !(trace instanceof Held held)
                    || held.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void kill() {
            killed = true;
            detach();
        }

        boolean wasDetached() {
            return detached.getCount() == 0;
        }
    }

    /** Output that, once read, stays open until its session is detached (a live tracer). */
    static final class Held extends InputStream {
        private final InputStream content;
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);

        Held(byte[] content) {
            this.content = new ByteArrayInputStream(content);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = content.read(b, off, len);
            if (n > 0) {
                return n;
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            done.countDown();
            return -1;
        }
    }

    /** Output that breaks after its content, as a pipe whose writer vanished abnormally. */
    static InputStream breaking(byte[] content) {
        return new java.io.SequenceInputStream(
                new ByteArrayInputStream(content),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("Stream closed");
                    }
                });
    }

    static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Starts {@link Session}s made by a script; tracer pids count up from 9000. */
    static final class Launcher implements TraceLauncher {
        final List<Session> started = new CopyOnWriteArrayList<>();
        private final AtomicLong nextPid = new AtomicLong(9000);
        private final Function<Launch, Session> script;
        volatile IOException failure;

        /** What the script is given to build a session from. */
        record Launch(long pid, List<Long> pids) {}

        Launcher(Function<Launch, Session> script) {
            this.script = script;
        }

        /** Every tracer prints nothing and runs until detached. */
        static Launcher quiet() {
            return new Launcher(l -> Session.live(l.pid(), l.pids(), new byte[0], ""));
        }

        @Override
        public TraceSession start(List<Long> pids) throws IOException {
            if (failure != null) {
                throw failure;
            }
            Session s = script.apply(new Launch(nextPid.getAndIncrement(), List.copyOf(pids)));
            started.add(s);
            return s;
        }
    }

    /** Threads, their processes and tracers; ids in {@code unreadable} fail to read. */
    static final class Processes implements ProcStatus {
        final Map<Long, Long> processOfThread = new ConcurrentHashMap<>();
        final Map<Long, Long> tracerOfProcess = new ConcurrentHashMap<>();
        final Set<Long> unreadable = ConcurrentHashMap.newKeySet();
        final AtomicLong tracerReads = new AtomicLong();

        @Override
        public OptionalLong processOf(long tid) {
            check(tid);
            Long pid = processOfThread.get(tid);
            return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
        }

        @Override
        public OptionalLong tracerOf(long pid) {
            tracerReads.incrementAndGet();
            check(pid);
            Long tracer = tracerOfProcess.get(pid);
            return tracer == null ? OptionalLong.empty() : OptionalLong.of(tracer);
        }

        private void check(long id) {
            if (unreadable.contains(id)) {
                throw new UncheckedIOException(new IOException("Permission denied: " + id));
            }
        }
    }
}
