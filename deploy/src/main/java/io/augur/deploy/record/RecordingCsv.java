package io.augur.deploy.record;

import io.augur.schema.ResourceSample;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An Augur recording file (docs/trace-format.md, "Augur recordings"): the header, then one row per
 * task and sampling interval. Counters of the interval become rates per second; a value that was
 * not measured is an empty field, never 0. Rows are flushed after every round, so an interrupted
 * recording is a valid file.
 */
public final class RecordingCsv implements Closeable {

    public static final String HEADER =
            "timestamp_ms,task_id,user_id,role,scenario,label,interval_ms,cpu_cores,memory_bytes,"
                    + "disk_read_bps,disk_write_bps,net_rx_bps,net_tx_bps,pids";

    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of(HEADER.split(","));

    /**
     * One row. Byte counts are over the interval; {@link #format} turns them into rates.
     *
     * @param timestampMs end of the interval, epoch milliseconds
     * @param taskId the task
     * @param userId its user
     * @param role its declared role
     * @param scenario the scenario it runs
     * @param label benign or hostile
     * @param intervalMs the interval's length
     * @param cpuCores average cores over the interval, null when not measured
     * @param memoryBytes memory charged to the task at the end of the interval
     * @param diskReadBytes bytes read from block devices during the interval
     * @param diskWriteBytes bytes written to block devices during the interval
     * @param netRxBytes bytes received during the interval
     * @param netTxBytes bytes sent during the interval
     * @param pids processes and threads at the end of the interval
     */
    public record Row(
            long timestampMs,
            String taskId,
            String userId,
            String role,
            String scenario,
            String label,
            long intervalMs,
            Double cpuCores,
            Long memoryBytes,
            Long diskReadBytes,
            Long diskWriteBytes,
            Long netRxBytes,
            Long netTxBytes,
            Long pids) {

        /** The same row with the disk counters unknown. */
        public Row withoutDisk() {
            return new Row(
                    timestampMs,
                    taskId,
                    userId,
                    role,
                    scenario,
                    label,
                    intervalMs,
                    cpuCores,
                    memoryBytes,
                    null,
                    null,
                    netRxBytes,
                    netTxBytes,
                    pids);
        }

        /** The row of a collector sample of a task that runs {@code scenario}. */
        public static Row of(ResourceSample s, Scenario scenario) {
            return new Row(
                    s.getTimestamp().toEpochMilli(),
                    s.getTaskId(),
                    s.getUserId(),
                    s.getRole(),
                    scenario.name(),
                    scenario.label(),
                    s.getIntervalMs(),
                    s.getCpuCores(),
                    s.getMemoryBytes(),
                    s.getDiskReadBytes(),
                    s.getDiskWriteBytes(),
                    s.getNetRxBytes(),
                    s.getNetTxBytes(),
                    s.getPids());
        }
    }

    private final Path file;
    private final BufferedWriter writer;
    private long rows;

    private RecordingCsv(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /**
     * Creates {@code file} with the header.
     *
     * @throws UncheckedIOException when it exists already or cannot be written
     */
    public static RecordingCsv create(Path file) {
        try {
            BufferedWriter w =
                    Files.newBufferedWriter(
                            file,
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
            w.write(HEADER);
            w.write('\n');
            w.flush();
            return new RecordingCsv(file, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /** Appends rows and flushes. */
    public synchronized void append(List<Row> batch) {
        try {
            for (Row r : batch) {
                writer.write(format(r));
                writer.write('\n');
            }
            writer.flush();
            rows += batch.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Rows written so far. */
    public synchronized long rows() {
        return rows;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    /** A row as one CSV line (without the newline). */
    public static String format(Row r) {
        StringBuilder b = new StringBuilder(160);
        b.append(r.timestampMs()).append(',');
        b.append(text(r.taskId())).append(',');
        b.append(text(r.userId())).append(',');
        b.append(text(r.role())).append(',');
        b.append(text(r.scenario())).append(',');
        b.append(text(r.label())).append(',');
        b.append(r.intervalMs()).append(',');
        b.append(decimal(r.cpuCores(), 6)).append(',');
        b.append(r.memoryBytes() == null ? "" : r.memoryBytes().toString()).append(',');
        b.append(rate(r.diskReadBytes(), r.intervalMs())).append(',');
        b.append(rate(r.diskWriteBytes(), r.intervalMs())).append(',');
        b.append(rate(r.netRxBytes(), r.intervalMs())).append(',');
        b.append(rate(r.netTxBytes(), r.intervalMs())).append(',');
        b.append(r.pids() == null ? "" : r.pids().toString());
        return b.toString();
    }

    /** Bytes over an interval as bytes per second (3 decimals at most); empty when unknown. */
    static String rate(Long bytes, long intervalMs) {
        if (bytes == null || intervalMs <= 0) {
            return "";
        }
        return decimal(bytes * 1000.0 / intervalMs, 3);
    }

    /** A plain decimal (no exponent, no trailing zeros); empty for null or non-finite. */
    static String decimal(Double v, int scale) {
        if (v == null || !Double.isFinite(v)) {
            return "";
        }
        BigDecimal d =
                BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_UP).stripTrailingZeros();
        if (d.signum() == 0) {
            return "0";
        }
        return d.toPlainString();
    }

    /** A text field, quoted when it holds a comma, a quote or a line break. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0
                && s.indexOf('"') < 0
                && s.indexOf('\n') < 0
                && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
