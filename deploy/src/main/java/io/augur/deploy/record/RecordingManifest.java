package io.augur.deploy.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.augur.cgroup.CgroupVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code manifest.json} of a recording: what was recorded (scenarios, labels, runs and how each
 * ended), when, how often, on what host, how each column was measured, and which columns were not
 * measured and why.
 */
final class RecordingManifest {
    /**
     * 2: every task in a network namespace of its own, network columns measured, {@code sink} (was
     * {@code loopback_sink}).
     */
    static final int FORMAT_VERSION = 2;

    static final String NETWORK_REASON =
            "no sample found the task in a network namespace of its own (each runs in one, set"
                    + " up by ./augur run; a task without processes has none); the collector"
                    + " reports null rather than the host's totals";

    private static final String NETWORK =
            " per second over the interval, summed over the interfaces of the task's own network"
                    + " namespace except lo (its end of the veth pair to the host:"
                    + " /proc/PID/net/dev of one of its processes); traffic inside the task over"
                    + " lo is not counted";

    private RecordingManifest() {}

    /** Everything the manifest is made of. */
    record Facts(
            String runId,
            Recorder.Status status,
            String error,
            Instant started,
            Instant ended,
            RecordOptions options,
            String cgroupRoot,
            CgroupVersion cgroupVersion,
            List<Recorder.Run> runs,
            long rows,
            Set<String> measuredColumns,
            RecordingSink sink,
            Map<String, Object> sequences) {}

    static void write(Path file, Facts facts) {
        try {
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(file.toFile(), toJson(facts));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static Map<String, Object> toJson(Facts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "augur-recording");
        m.put("format_version", FORMAT_VERSION);
        m.put(
                "documentation",
                "docs/trace-format.md (Augur recordings; Invocation sequences),"
                        + " deploy/README-record.md");
        m.put("rows_file", Recorder.CSV_NAME);
        m.put("logs", "logs/TASK_ID.log");
        m.put("run_id", f.runId());
        m.put("status", f.status().name().toLowerCase());
        m.put("error", f.error());
        m.put("started", str(f.started()));
        m.put("ended", str(f.ended()));
        m.put("rows", f.rows());
        m.put("interval_ms", f.options().interval().toMillis());
        m.put("duration_s_per_run", f.options().duration().toSeconds());
        m.put("repeat", f.options().repeat());
        m.put("parallel", f.options().parallel());
        m.put(
                "order",
                "the scenario list, repeat times; "
                        + (f.options().parallel() == 1
                                ? "one run at a time"
                                : "up to " + f.options().parallel() + " consecutive runs at once"));
        m.put("user_id", Recorder.USER + " on every row: the user says nothing about the label");

        Map<String, Object> host = HostFacts.collect();
        m.put("host", host);

        Map<String, Object> cgroup = new LinkedHashMap<>();
        cgroup.put("version", f.cgroupVersion().name().toLowerCase());
        cgroup.put("root", f.cgroupRoot());
        cgroup.put(
                "safety_limits",
                Map.of("pids_max", Recorder.PIDS_MAX, "memory_bytes", Recorder.MEMORY_MAX_BYTES));
        cgroup.put("cpu_limit", null);
        m.put("cgroup", cgroup);

        m.put("columns", columns(f.cgroupVersion(), diskCounted(f.runs())));
        m.put("not_measured", notMeasured(f, diskCounted(f.runs())));

        List<Map<String, Object>> scenarios = new ArrayList<>();
        for (Scenario s : f.options().scenarios()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("name", s.name());
            sm.put("label", s.label());
            sm.put("role", s.role());
            sm.put("description", s.description());
            sm.put("main_class", s.mainClass());
            sm.put("args", s.args());
            sm.put("agent_packages", s.agentPackages());
            sm.put("hostile_from", s.hostileFrom());
            scenarios.add(sm);
        }
        m.put("scenarios", scenarios);

        List<Map<String, Object>> runs = new ArrayList<>();
        for (Recorder.Run r : f.runs()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("run", r.index);
            rm.put("task_id", r.taskId);
            rm.put("scenario", r.scenario.name());
            rm.put("label", r.scenario.label());
            rm.put("role", r.scenario.role());
            rm.put("repeat", r.repeat);
            rm.put("args", r.args);
            rm.put("started", str(r.started));
            rm.put("ended", str(r.ended));
            rm.put("rows", r.rows);
            rm.put("outcome", r.outcome != null ? r.outcome : "not started");
            rm.put("exit_code", r.exitCode);
            rm.put("disk_counted_on", r.diskDevices);
            rm.put("host_load_at_start", r.loadAtStart);
            rm.put("host_load_at_end", r.loadAtEnd);
            rm.put("log", "logs/" + r.taskId + ".log");
            rm.put("invocations", r.invocations);
            runs.add(rm);
        }
        m.put("runs", runs);

        m.put("invocations", f.sequences());

        if (f.sink() != null) {
            Map<String, Object> sink = new LinkedHashMap<>();
            sink.put("tcp", f.sink().tcpAddress());
            sink.put("udp", f.sink().udpAddress());
            sink.put("tcp_connections", f.sink().tcpConnections());
            sink.put("tcp_bytes", f.sink().tcpBytes());
            sink.put("udp_datagrams", f.sink().udpDatagrams());
            sink.put("udp_bytes", f.sink().udpBytes());
            sink.put("admitted_peers", f.sink().admittedPeers());
            sink.put("refused_tcp_connections", f.sink().refusedConnections());
            sink.put("refused_udp_datagrams", f.sink().refusedDatagrams());
            sink.put(
                    "note",
                    "the recorder's own sink (outside every task cgroup, in the host's network"
                            + " namespace, reached by each task at its gateway) that the network"
                            + " scenarios send to; its totals are for every run together and count"
                            + " only peers in admitted_peers (the sandbox launcher's task address"
                            + " pool); connections and datagrams from anywhere else are refused,"
                            + " counted in refused_*, and none of their bytes is in the totals");
            m.put("sink", sink);
        }
        return m;
    }

    private static boolean diskCounted(List<Recorder.Run> runs) {
        return runs.stream().anyMatch(r -> !r.diskDevices.isEmpty());
    }

    /** How each column is measured. */
    static Map<String, String> columns(CgroupVersion version, boolean diskCounted) {
        boolean v1 = version == CgroupVersion.V1;
        Map<String, String> c = new LinkedHashMap<>();
        c.put("timestamp_ms", "end of the interval (the second reading), epoch milliseconds");
        c.put("interval_ms", "time between the two readings of the interval");
        c.put(
                "cpu_cores",
                "CPU time of the task's cgroup over the interval / interval ("
                        + (v1 ? "cpuacct.usage" : "cpu.stat usage_usec")
                        + ")");
        c.put(
                "memory_bytes",
                "memory charged to the task's cgroup at the end of the interval ("
                        + (v1 ? "memory.usage_in_bytes" : "memory.current")
                        + "; includes the page cache of the files it reads and writes)");
        String disk =
                v1
                        ? "blkio.throttle.io_service_bytes; every task group gets a read and write"
                                + " rule of "
                                + io.augur.cgroup.BlockDevices.NO_LIMIT
                                + " bytes/s per disk (never reached) because this kernel counts"
                                + " nothing for a group without a rule"
                        : "io.stat";
        c.put(
                "disk_read_bps",
                "bytes read from block devices per second over the interval ("
                        + disk
                        + "); reads served from the page cache are not disk reads"
                        + (diskCounted || !v1 ? "" : " (NOT counted in this recording)"));
        c.put(
                "disk_write_bps",
                "bytes written to block devices per second over the interval ("
                        + disk
                        + "); buffered writes count when the task itself writes them back (fsync,"
                        + " direct I/O), not when the kernel's flusher does later"
                        + (diskCounted || !v1 ? "" : " (NOT counted in this recording)"));
        c.put("net_rx_bps", "bytes received" + NETWORK);
        c.put("net_tx_bps", "bytes sent" + NETWORK);
        c.put(
                "pids",
                "processes and threads in the task's cgroup at the end of the interval"
                        + " (pids.current; a JVM counts its own threads)");
        return c;
    }

    /** The columns empty on every row, each with the reason. */
    static List<Map<String, String>> notMeasured(Facts f, boolean diskCounted) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String column : Recorder.unmeasured(f.measuredColumns())) {
            String reason;
            if (column.startsWith("net_")) {
                reason = NETWORK_REASON;
            } else if (column.startsWith("disk_") && !diskCounted) {
                reason = "no blkio (v1) or io (v2) controller for the task groups on this host";
            } else if (f.rows() == 0) {
                reason = "no rows were recorded";
            } else {
                reason = "the cgroup offered no such counter on this host";
            }
            Map<String, String> e = new LinkedHashMap<>();
            e.put("column", column);
            e.put("reason", reason);
            out.add(e);
        }
        return out;
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
