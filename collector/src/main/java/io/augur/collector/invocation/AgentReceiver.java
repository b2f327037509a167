package io.augur.collector.invocation;

import io.augur.agent.wire.Frame;
import io.augur.agent.wire.FrameReader;
import io.augur.agent.wire.WireFormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's end of the JVM agents' streams (protocol: {@code agent/README.md}, {@link
 * io.augur.agent.wire}): listens on a Unix domain socket, one thread per connection, and hands each
 * EVENTS frame to the {@link InvocationSink} as one batch of its task's {@link Invocation}s. The
 * sink is called from several connection threads at once and must be thread-safe; within a
 * connection (one JVM) batches arrive in the order the agent recorded them.
 *
 * <p>A connection speaks for the task its HELLO's pid belongs to ({@link TaskResolver}, on a node
 * {@link ProcTaskResolver} over {@code /proc/PID/cgroup}). It is closed and counted as rejected
 * when that pid is in no task under the managed root, when its first frame is not a HELLO or none
 * comes within {@link Limits#helloTimeout}, when the receiver holds {@link Limits#maxConnections}
 * or the task {@link Limits#maxConnectionsPerTask} already; a frame that breaks the protocol closes
 * it as garbled. The receiver goes on with the others.
 *
 * <p><b>Trust.</b> The agent runs inside the task's own JVM, so its stream is only as trustworthy
 * as the task: a task can forge, reorder, suppress or flood its own events and their timestamps,
 * and stop its agent. The pid check keeps one task from speaking for another only as far as the
 * HELLO's pid is honest, and it is not verified: a process can send another process's pid (of
 * another task) and be believed. Verifying it needs the peer's credentials: {@code SO_PEERCRED}
 * gives the connecting process's pid, but Java exposes only its uid and gid ({@code
 * jdk.net.ExtendedSocketOptions.SO_PEERCRED}), so the pid cannot be checked from Java. What would
 * fix it: reading {@code SO_PEERCRED} natively (JNI, or the Foreign Function API: incubating in
 * Java 17), or one socket per task bind-mounted into that task only, so the socket itself names the
 * task. Until then treat a task's invocations as claims of that task (or of a task on the node
 * posing as it), never as evidence against another.
 *
 * <p>The socket file is created with mode 0666 so tasks running as any user can connect (its
 * directory must be searchable for them); a stale socket file is replaced, any other file at the
 * path is refused.
 */
public final class AgentReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentReceiver.class);

    /**
     * Bounds of the receiver.
     *
     * @param maxConnections open connections at most; more are closed at once
     * @param maxConnectionsPerTask open connections of one task at most (one per JVM is normal)
     * @param helloTimeout how long a new connection may take to send its HELLO
     */
    public record Limits(int maxConnections, int maxConnectionsPerTask, Duration helloTimeout) {
        public static final Limits DEFAULT = new Limits(256, 32, Duration.ofSeconds(10));

        public Limits {
            if (maxConnections < 1 || maxConnectionsPerTask < 1) {
                throw new IllegalArgumentException("connection limits must be positive");
            }
            if (helloTimeout.isNegative() || helloTimeout.isZero()) {
                throw new IllegalArgumentException("hello timeout must be positive");
            }
        }
    }

    private final Path socket;
    private final TaskResolver tasks;
    private final InvocationSink sink;
    private final Limits limits;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final ScheduledExecutorService helloTimer;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> openByTask = new HashMap<>();
    private final AgentDrops drops = new AgentDrops();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder garbled = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final AtomicInteger connectionNumber = new AtomicInteger();
    private volatile boolean closed;

    private AgentReceiver(
            Path socket,
            TaskResolver tasks,
            InvocationSink sink,
            Limits limits,
            ServerSocketChannel server) {
        this.socket = socket;
        this.tasks = tasks;
        this.sink = sink;
        this.limits = limits;
        this.server = server;
        this.helloTimer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> daemon(r, "augur-agent-hello-timer"));
        this.acceptor = daemon(this::acceptLoop, "augur-agent-receiver");
    }

    /** {@link #start(Path, TaskResolver, InvocationSink, Limits)} with {@link Limits#DEFAULT}. */
    public static AgentReceiver start(Path socket, TaskResolver tasks, InvocationSink sink)
            throws IOException {
        return start(socket, tasks, sink, Limits.DEFAULT);
    }

    /**
     * Binds the socket (creating its directory, replacing a stale socket file) and starts
     * accepting.
     *
     * @throws IOException when the socket cannot be bound, or the path holds a file that is not a
     *     socket
     */
    public static AgentReceiver start(
            Path socket, TaskResolver tasks, InvocationSink sink, Limits limits)
            throws IOException {
        Path parent = socket.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & 0170000) != 0140000) {
                throw new IOException(socket + " exists and is not a socket; not replacing it");
            }
            Files.delete(socket);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        AgentReceiver receiver = new AgentReceiver(socket, tasks, sink, limits, server);
        receiver.acceptor.start();
        LOG.info("receiving JVM agents' invocations on {}", socket);
        return receiver;
    }

    public Path socket() {
        return socket;
    }

    /** Connections whose HELLO was accepted, since start. */
    public long acceptedConnections() {
        return accepted.sum();
    }

    /** Connections closed as not acceptable (no task, no or late HELLO, over a limit). */
    public long rejectedConnections() {
        return rejected.sum();
    }

    /** Connections closed on a frame that broke the protocol. */
    public long garbledFrames() {
        return garbled.sum();
    }

    /** Invocations handed to the sink. */
    public long eventsReceived() {
        return events.sum();
    }

    /** Connections open now (with or without their HELLO yet). */
    public int openConnections() {
        return open.size();
    }

    /** Events the agents of each task reported dropped (their buffer was full, mostly). */
    public Map<String, Long> droppedByTask() {
        return drops.byTask();
    }

    /** Stops accepting, closes every connection (frames in flight are lost), removes the socket. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        helloTimer.shutdownNow();
        for (Connection c : List.copyOf(open)) {
            c.close();
        }
        try {
            acceptor.join(5000);
            for (Connection c : List.copyOf(open)) {
                c.thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
        LOG.info("stopped receiving on {}", socket);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("accepting an agent connection on {} failed: {}", socket, e.toString());
                continue;
            }
            if (open.size() >= limits.maxConnections()) {
                rejected.increment();
                LOG.debug("refused an agent connection: {} open", open.size());
                closeQuietly(channel);
                continue;
            }
            Connection c = new Connection(channel);
            c.thread =
                    daemon(c::run, "augur-agent-connection-" + connectionNumber.incrementAndGet());
            open.add(c);
            if (closed) { // close() may have run between accept() and add()
                open.remove(c);
                c.close();
                return;
            }
            c.thread.start();
            try {
                helloTimer.schedule(
                        c::helloTimedOut, limits.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                c.close(); // the receiver is closing
            }
        }
    }

    private synchronized boolean admit(String taskId) {
        int n = openByTask.getOrDefault(taskId, 0);
        if (n >= limits.maxConnectionsPerTask()) {
            return false;
        }
        openByTask.put(taskId, n + 1);
        return true;
    }

    private synchronized void release(String taskId) {
        openByTask.computeIfPresent(taskId, (t, n) -> n == 1 ? null : n - 1);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing an agent connection: {}", e.toString());
        }
    }

    /** One agent's connection and the thread that reads it. */
    private final class Connection {
        final SocketChannel channel;
        final AgentSession session;
        Thread thread;
        volatile boolean helloDone;
        volatile boolean timedOut;
        String admitted;

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.session = new AgentSession(tasks, sink, drops, events::add);
        }

        void run() {
            try {
                FrameReader reader =
                        new FrameReader(
                                new BufferedInputStream(Channels.newInputStream(channel), 65536));
                for (Frame f = reader.read(); f != null && !closed; f = reader.read()) {
                    session.accept(f);
                    if (admitted == null && session.taskId() != null) {
                        if (!admit(session.taskId())) {
                            throw new AgentRejectedException(
                                    "task "
                                            + session.taskId()
                                            + " has "
                                            + limits.maxConnectionsPerTask()
                                            + " connections already");
                        }
                        admitted = session.taskId();
                        helloDone = true;
                        accepted.increment();
                    }
                }
            } catch (AgentRejectedException e) {
                rejected.increment();
                LOG.debug("rejected an agent connection: {}", e.getMessage());
            } catch (WireFormatException e) {
                garbled.increment();
                LOG.debug(
                        "closed a garbled agent connection (task {}): {}",
                        admitted,
                        e.getMessage());
            } catch (IOException e) {
                if (timedOut) {
                    rejected.increment();
                    LOG.debug("an agent connection sent no HELLO within {}", limits.helloTimeout());
                } else if (!closed) {
                    LOG.debug("agent connection of task {} ended: {}", admitted, e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("agent connection of task {} failed", admitted, e);
            } finally {
                closeQuietly(channel);
                if (admitted != null) {
                    release(admitted);
                }
                open.remove(this);
            }
        }

        void helloTimedOut() {
            if (!helloDone && channel.isOpen()) {
                timedOut = true;
                closeQuietly(channel);
            }
        }

        void close() {
            closeQuietly(channel);
        }
    }
}
