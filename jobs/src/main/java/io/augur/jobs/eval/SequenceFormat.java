package io.augur.jobs.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The three dataset formats {@code ./augur eval sequences} reads, gzipped or not (by content, not
 * name):
 *
 * <ul>
 *   <li>{@code adfa}: TSV {@code label<TAB>trace<TAB>syscalls} with that header, label {@code
 *       normal} or {@code attack}, syscalls space-separated (the numbers are the names).
 *   <li>{@code hdfs}: DeepLog's session lines (space-separated log keys, one session a line, no
 *       header; normal, or abnormal when the file's name contains {@code abnormal}, as DeepLog's
 *       {@code hdfs_test_abnormal}), or the labelled CSV with header {@code Sequence,label} (0
 *       normal, 1 abnormal).
 *   <li>{@code augur}: TSV {@code label<TAB>trace<TAB>role<TAB>kind<TAB>calls} with that header,
 *       label {@code benign}/{@code normal} or {@code hostile}/{@code attack}.
 * </ul>
 *
 * A file in none of them is an {@link IOException} naming the file, the line and what was expected.
 */
public enum SequenceFormat {
    ADFA,
    HDFS,
    AUGUR;

    static final String ADFA_HEADER = "label\ttrace\tsyscalls";
    static final String AUGUR_HEADER = "label\ttrace\trole\tkind\tcalls";
    static final String HDFS_CSV_HEADER = "Sequence,label";

    public static SequenceFormat parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format is adfa, hdfs or augur, got '" + s + "'");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads every item of {@code file}. */
    public List<SequenceItem> read(Path file) throws IOException {
        try (BufferedReader in = open(file)) {
            String first = in.readLine();
            if (first == null) {
                throw bad(file, 1, "the file is empty");
            }
            first = stripBom(first);
            List<SequenceItem> items = new ArrayList<>();
            switch (this) {
                case ADFA -> readAdfa(file, first, in, items);
                case HDFS -> readHdfs(file, first, in, items);
                case AUGUR -> readAugur(file, first, in, items);
            }
            return items;
        }
    }

    private static void readAdfa(
            Path file, String header, BufferedReader in, List<SequenceItem> out)
            throws IOException {
        readTsv(
                file,
                header,
                in,
                out,
                "adfa",
                ADFA_HEADER,
                (f, n) -> new SequenceItem(f[1], abnormal(file, n, f[0]), "default", calls(f[2])));
    }

    private static void readAugur(
            Path file, String header, BufferedReader in, List<SequenceItem> out)
            throws IOException {
        readTsv(
                file,
                header,
                in,
                out,
                "augur",
                AUGUR_HEADER,
                (f, n) -> new SequenceItem(f[1], abnormal(file, n, f[0]), f[2], calls(f[4])));
    }

    /** One row of a TSV format: its fields and line number to an item. */
    private interface TsvRow {
        SequenceItem item(String[] fields, int line) throws IOException;
    }

    /** A TSV format with a fixed header: every non-blank line has exactly the header's fields. */
    private static void readTsv(
            Path file,
            String header,
            BufferedReader in,
            List<SequenceItem> out,
            String format,
            String expectedHeader,
            TsvRow row)
            throws IOException {
        if (!header.equals(expectedHeader)) {
            throw notFormat(file, format, header, "the header '" + visible(expectedHeader) + "'");
        }
        String[] names = expectedHeader.split("\t");
        String line;
        int n = 1;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != names.length) {
                throw bad(
                        file,
                        n,
                        "expected "
                                + names.length
                                + " tab-separated fields ("
                                + String.join(", ", names)
                                + "), got "
                                + f.length);
            }
            out.add(row.item(f, n));
        }
    }

    private static void readHdfs(Path file, String first, BufferedReader in, List<SequenceItem> out)
            throws IOException {
        String name = file.getFileName().toString();
        if (first.replace(" ", "").equalsIgnoreCase(HDFS_CSV_HEADER)) {
            String line;
            int n = 1;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.lastIndexOf(',');
                if (comma < 0) {
                    throw bad(file, n, "expected 'Sequence,label'");
                }
                String label = line.substring(comma + 1).trim();
                boolean abnormal =
                        switch (label) {
                            case "0" -> false;
                            case "1" -> true;
                            default -> throw bad(file, n, "label is 0 or 1, got '" + label + "'");
                        };
                out.add(
                        new SequenceItem(
                                name + ":" + n,
                                abnormal,
                                "default",
                                keys(file, n, line.substring(0, comma))));
            }
            return;
        }
        boolean abnormal = name.toLowerCase(Locale.ROOT).contains("abnormal");
        String line = first;
        int n = 1;
        while (line != null) {
            if (!line.isBlank()) {
                out.add(new SequenceItem(name + ":" + n, abnormal, "default", keys(file, n, line)));
            }
            line = in.readLine();
            n++;
        }
    }

    /** HDFS log keys are integers; anything else means the file is not in the format. */
    private static List<String> keys(Path file, int n, String s) throws IOException {
        List<String> keys = calls(s);
        for (String k : keys) {
            if (!k.chars().allMatch(Character::isDigit)) {
                throw notFormat(
                        file,
                        n,
                        "hdfs",
                        s,
                        "session lines of integer log keys or the header '"
                                + HDFS_CSV_HEADER
                                + "'");
            }
        }
        return keys;
    }

    private static List<String> calls(String s) {
        String t = s.trim();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    private static boolean abnormal(Path file, int n, String label) throws IOException {
        return switch (label.trim().toLowerCase(Locale.ROOT)) {
            case "normal", "benign" -> false;
            case "attack", "hostile", "abnormal" -> true;
            default ->
                    throw bad(
                            file,
                            n,
                            "label is normal/benign or attack/hostile, got '" + label + "'");
        };
    }

    /** Opens a file, gunzipping it when it starts with gzip's magic bytes. */
    static BufferedReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        PushbackInputStream raw = new PushbackInputStream(Files.newInputStream(file), 2);
        byte[] magic = raw.readNBytes(2);
        raw.unread(magic);
        InputStream in =
                magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
                        ? new GZIPInputStream(raw, 1 << 16)
                        : raw;
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static String visible(String s) {
        return s.replace("\t", "<TAB>");
    }

    private static IOException notFormat(Path file, String format, String line, String expected) {
        return notFormat(file, 1, format, line, expected);
    }

    private static IOException notFormat(
            Path file, int n, String format, String line, String expected) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return new IOException(
                file
                        + " is not in the "
                        + format
                        + " format: line "
                        + n
                        + " is '"
                        + visible(shown)
                        + "', expected "
                        + expected);
    }

    private static IOException bad(Path file, int line, String why) {
        return new IOException(file + ":" + line + ": " + why);
    }
}
