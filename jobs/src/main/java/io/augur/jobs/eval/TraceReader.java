package io.augur.jobs.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads every {@code *.csv} and {@code *.csv.gz} under a directory in either trace format of {@code
 * docs/trace-format.md}: Bitbrains (one VM per file) or Augur recordings (any number of tasks per
 * file). The header line tells which; a file in neither format is an error naming it.
 */
public final class TraceReader {
    static final String RECORDING_HEADER =
            "timestamp_ms,task_id,user_id,role,scenario,label,interval_ms,cpu_cores,memory_bytes,"
                    + "disk_read_bps,disk_write_bps,net_rx_bps,net_tx_bps,pids";

    private TraceReader() {}

    /** Every trace under {@code dir}, sorted by name; files in neither format are skipped. */
    public static List<Trace> readAll(Path dir) throws IOException {
        return readAll(dir, skipped -> {});
    }

    /**
     * Every trace under {@code dir}, sorted by name. A CSV file in neither format (say, another
     * dataset's) is skipped and reported to {@code skipped}; a directory without any trace is an
     * error.
     */
    public static List<Trace> readAll(Path dir, java.util.function.Consumer<String> skipped)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no such directory: " + dir);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files =
                    walk.filter(Files::isRegularFile)
                            .filter(
                                    p -> {
                                        String n = p.getFileName().toString();
                                        return n.endsWith(".csv") || n.endsWith(".csv.gz");
                                    })
                            .sorted()
                            .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no *.csv or *.csv.gz traces under " + dir);
        }
        List<Trace> traces = new ArrayList<>();
        for (Path f : files) {
            try {
                traces.addAll(read(f));
            } catch (UnknownFormatException e) {
                skipped.accept(e.getMessage());
            }
        }
        if (traces.isEmpty()) {
            throw new IOException(
                    "no traces in the Bitbrains or Augur recording format under "
                            + dir
                            + " (docs/trace-format.md)");
        }
        traces.sort((a, b) -> a.name().compareTo(b.name()));
        return traces;
    }

    /** The traces of one file. */
    public static List<Trace> read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in =
                        file.getFileName().toString().endsWith(".gz")
                                ? new GZIPInputStream(raw)
                                : raw;
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) {
                throw new IOException(file + ": empty file");
            }
            if (header.startsWith("Timestamp [ms]")) {
                return List.of(bitbrains(file, r));
            }
            if (header.strip().equals(RECORDING_HEADER)) {
                return recording(file, r);
            }
            throw new UnknownFormatException(
                    file
                            + ": neither a Bitbrains nor an Augur recording header"
                            + " (docs/trace-format.md): "
                            + header.substring(0, Math.min(80, header.length())));
        }
    }

    /** A file whose header is in neither trace format. */
    static final class UnknownFormatException extends IOException {
        UnknownFormatException(String message) {
            super(message);
        }
    }

    static String baseName(Path file) {
        String n = file.getFileName().toString();
        return n.replaceFirst("\\.csv(\\.gz)?$", "");
    }

    private static Trace bitbrains(Path file, BufferedReader r) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<Double> stamps = new ArrayList<>();
        String line;
        int lineNo = 1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split(";");
            if (c.length < 11) {
                throw new IOException(
                        file + ":" + lineNo + ": expected 11 columns, got " + c.length);
            }
            try {
                stamps.add(opt(c[0])); // seconds, whatever the header says; only for the step
                double cores = num(c[1]);
                double cpuPct = num(c[4]);
                rows.add(
                        new double[] {
                            cpuPct / 100.0 * cores,
                            num(c[6]) * 1024,
                            num(c[7]) * 1024,
                            num(c[8]) * 1024,
                            num(c[9]) * 1024,
                            num(c[10]) * 1024
                        });
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + lineNo + ": not a number: " + e.getMessage());
            }
        }
        return new Trace(baseName(file), rows.toArray(new double[0][]), Trace.medianGap(stamps));
    }

    private static List<Trace> recording(Path file, BufferedReader r) throws IOException {
        Map<String, List<double[]>> byTask = new LinkedHashMap<>();
        Map<String, List<Double>> intervals = new LinkedHashMap<>();
        String line;
        int lineNo = 1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split(",", -1);
            if (c.length != 14) {
                throw new IOException(
                        file + ":" + lineNo + ": expected 14 columns, got " + c.length);
            }
            try {
                intervals.computeIfAbsent(c[1], k -> new ArrayList<>()).add(opt(c[6]) / 1000.0);
                byTask.computeIfAbsent(c[1], k -> new ArrayList<>())
                        .add(
                                new double[] {
                                    opt(c[7]),
                                    opt(c[8]),
                                    opt(c[9]),
                                    opt(c[10]),
                                    opt(c[11]),
                                    opt(c[12])
                                });
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + lineNo + ": not a number: " + e.getMessage());
            }
        }
        List<Trace> traces = new ArrayList<>();
        byTask.forEach(
                (task, rows) ->
                        traces.add(
                                new Trace(
                                        task,
                                        rows.toArray(new double[0][]),
                                        Trace.median(
                                                intervals.get(task).stream()
                                                        .mapToDouble(Double::doubleValue)
                                                        .toArray()))));
        return traces;
    }

    private static double num(String s) {
        return Double.parseDouble(s.strip());
    }

    private static double opt(String s) {
        return s.isBlank() ? Double.NaN : Double.parseDouble(s.strip());
    }
}
