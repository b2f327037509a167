package io.augur.deploy.demo;

import io.augur.cgroup.TaskCgroup;
import io.augur.cgroup.TaskCgroups;
import io.augur.launch.AugurHome;
import io.augur.launch.KafkaClients;
import io.augur.schema.ResourceLimits;
import io.augur.schema.TaskEvent;
import io.augur.schema.TaskEventType;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import io.augur.schema.TrustLevel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts workloads the way a node runs tasks: each in its own cgroup (the process joins the cgroup
 * before it executes the workload, so not one instruction runs outside), registered on {@code
 * augur.tasks} first (STARTED) and deregistered when it ends (ENDED), whether it exits on its own
 * (e.g. killed by its memory limit) or is stopped.
 */
public final class WorkloadLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadLauncher.class);

    private final TaskCgroups cgroups;
    private final String nodeId;
    private final Clock clock;
    private final Path logDir;
    private final Path agentSocket;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** A started workload. */
    public record Running(Workload workload, Process process) {}

    public WorkloadLauncher(
            TaskCgroups cgroups, String bootstrap, String nodeId, Clock clock, Path logDir) {
        this(cgroups, bootstrap, nodeId, clock, logDir, null);
    }

    /**
     * @param agentSocket the collector's socket for JVM agents: a workload with {@link
     *     Workload#agentPackages} starts under {@code agent/target/augur-agent.jar} sending there;
     *     null when no collector listens (such a workload is then refused)
     */
    public WorkloadLauncher(
            TaskCgroups cgroups,
            String bootstrap,
            String nodeId,
            Clock clock,
            Path logDir,
            Path agentSocket) {
        this.cgroups = cgroups;
        this.nodeId = nodeId;
        this.clock = clock;
        this.logDir = logDir;
        this.agentSocket = agentSocket;
        Properties props = KafkaClients.idempotentProducer(bootstrap);
        // Registration must never hang the demo (e.g. stopping after the broker went away).
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        this.producer = new KafkaProducer<>(props);
    }

    public Running start(Workload w, ResourceLimits initial) {
        List<String> jvmFlags = agentFlags(w);
        publish(event(w, TaskEventType.STARTED, initial));
        TaskCgroup group = cgroups.create(w.taskId());
        try {
            Process p =
                    TaskProcess.start(
                            group,
                            w.mainClass(),
                            w.args(),
                            jvmFlags,
                            logDir.resolve(w.taskId() + ".log"));
            Running r = new Running(w, p);
            running.put(w.taskId(), r);
            p.onExit().thenRun(() -> ended(w, p));
            LOG.info("started {} ({}) as pid {}", w.taskId(), w.scenario(), p.pid());
            return r;
        } catch (IOException e) {
            cgroups.destroy(w.taskId());
            publish(event(w, TaskEventType.ENDED, initial));
            throw new UncheckedIOException("cannot start workload " + w.taskId(), e);
        }
    }

    /** The {@code -javaagent} flag of a workload under the JVM agent; none for the others. */
    private List<String> agentFlags(Workload w) {
        if (w.agentPackages() == null) {
            return List.of();
        }
        Path jar = AugurHome.resolve().resolve("agent/target/augur-agent.jar");
        if (agentSocket == null) {
            throw new IllegalArgumentException(
                    w.taskId() + " runs under the JVM agent but no agent socket was given");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    w.taskId()
                            + " runs under the JVM agent and "
                            + jar
                            + " is missing: build it (./augur build)");
        }
        return List.of(
                "-javaagent:" + jar + "=packages=" + w.agentPackages() + ";socket=" + agentSocket);
    }

    /** Whether the task's process is still running. */
    public boolean alive(String taskId) {
        Running r = running.get(taskId);
        return r != null && r.process().isAlive();
    }

    private void ended(Workload w, Process p) {
        if (running.remove(w.taskId()) == null) {
            return;
        }
        LOG.info("{} ended with exit code {}", w.taskId(), p.exitValue());
        try {
            cgroups.destroy(w.taskId());
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the cgroup of {}: {}", w.taskId(), e.toString());
        }
        try {
            publish(event(w, TaskEventType.ENDED, null));
        } catch (RuntimeException e) {
            // The task is gone either way; its state elsewhere expires.
            LOG.warn("cannot deregister {}: {}", w.taskId(), e.getMessage());
        }
    }

    /** Stops every workload still running: kills its cgroup, then deregisters it. */
    public void stopAll() {
        for (Running r : List.copyOf(running.values())) {
            try {
                cgroups.destroy(r.workload().taskId());
            } catch (RuntimeException e) {
                LOG.warn("cannot destroy {}: {}", r.workload().taskId(), e.toString());
                r.process().destroyForcibly();
            }
            r.process().onExit().join();
            ended(r.workload(), r.process());
        }
    }

    private TaskEvent event(Workload w, TaskEventType type, ResourceLimits initial) {
        return TaskEvent.newBuilder()
                .setTaskId(w.taskId())
                .setUserId(w.userId())
                .setNodeId(nodeId)
                .setRole(w.role())
                .setSource("augur-demo:" + w.mainClass())
                // The demo's own workload library: a known source, so a HIGH baseline; whether a
                // task keeps it is the risk's (and the user's record's) to decide. At MEDIUM, every
                // task asks to keep its launch core while held, the node's pool (2 cores here)
                // runs out in arrival order, and a hostile task capped to 0.1 core reads as calm.
                .setBaselineTrust(TrustLevel.HIGH)
                .setInitialAllocation(
                        initial != null ? initial : ResourceLimits.newBuilder().build())
                .setType(type)
                .setTimestamp(clock.instant())
                .build();
    }

    private void publish(TaskEvent e) {
        try {
            producer.send(
                            new ProducerRecord<>(
                                    Topics.TASKS.name(),
                                    Topic.keyBytes(e.getTaskId()),
                                    Topics.TASKS.codec().encode(e)))
                    .get();
        } catch (ExecutionException ex) {
            throw new IllegalStateException("cannot register task " + e.getTaskId(), ex.getCause());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    @Override
    public void close() {
        stopAll();
        producer.close(Duration.ofSeconds(10));
    }
}
