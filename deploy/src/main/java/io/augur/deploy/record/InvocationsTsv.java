package io.augur.deploy.record;

import io.augur.schema.InvocationKind;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The {@code augur} invocation-sequence format ({@code docs/trace-format.md}, "Invocation
 * sequences"): a header {@code label<TAB>trace<TAB>role<TAB>kind<TAB>calls}, then one trace per
 * line, its calls space-separated in invocation order.
 *
 * <p>Escaping: {@code label}, {@code trace}, {@code role} and {@code kind} are identifiers and are
 * checked, never escaped — a value with whitespace, a control character or {@code %} is refused
 * ({@link IllegalArgumentException}). A call name is written as it is except that whitespace,
 * control characters and {@code %} are percent-encoded as UTF-8 bytes ({@code %20}, {@code %09},
 * {@code %25}): Java method names and system-call names never contain them, so in practice names go
 * through unchanged, and a reader that does not decode still sees the same token for the same name.
 * {@link #read} decodes.
 *
 * <p>The writer appends and flushes one line at a time, so the file is valid after every line.
 */
public final class InvocationsTsv implements Closeable {
    public static final String HEADER = "label\ttrace\trole\tkind\tcalls";

    /** Values of {@code label}, {@code trace} and {@code role}: no whitespace, control or %. */
    private static final Pattern IDENTIFIER = Pattern.compile("[^\\s\\p{Cntrl}%]+");

    /**
     * One line.
     *
     * @param label {@code benign} or {@code hostile}
     * @param trace the trace's id (a task id, or a task id and a part: {@code TASK:benign-prefix})
     * @param role the task's role
     * @param kind METHOD or SYSCALL
     * @param calls call names in invocation order (at least one)
     */
    public record Trace(
            String label, String trace, String role, InvocationKind kind, List<String> calls) {
        public Trace {
            label = normalLabel(label);
            check("trace", trace);
            check("role", role);
            if (kind == null) {
                throw new IllegalArgumentException("kind must be METHOD or SYSCALL");
            }
            calls = List.copyOf(calls);
            if (calls.isEmpty()) {
                throw new IllegalArgumentException("trace " + trace + " has no calls");
            }
            for (String c : calls) {
                if (c == null || c.isEmpty()) {
                    throw new IllegalArgumentException(
                            "trace " + trace + " has an empty call name");
                }
            }
        }

        public boolean hostile() {
            return Scenario.HOSTILE.equals(label);
        }
    }

    private final Path file;
    private final BufferedWriter out;
    private long lines;
    private long calls;

    private InvocationsTsv(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Creates the file with its header; an existing file is never overwritten. */
    public static InvocationsTsv create(Path file) throws IOException {
        BufferedWriter w =
                Files.newBufferedWriter(
                        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        w.write(HEADER);
        w.write('\n');
        w.flush();
        return new InvocationsTsv(file, w);
    }

    public Path file() {
        return file;
    }

    /** Lines written, header excluded. */
    public synchronized long lines() {
        return lines;
    }

    /** Calls written, over every line. */
    public synchronized long calls() {
        return calls;
    }

    public synchronized void append(Trace t) {
        StringBuilder line = new StringBuilder(64 + t.calls().size() * 24);
        line.append(t.label())
                .append('\t')
                .append(t.trace())
                .append('\t')
                .append(t.role())
                .append('\t')
                .append(t.kind().name())
                .append('\t');
        for (int i = 0; i < t.calls().size(); i++) {
            if (i > 0) {
                line.append(' ');
            }
            line.append(escape(t.calls().get(i)));
        }
        line.append('\n');
        try {
            out.write(line.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        lines++;
        calls += t.calls().size();
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }

    /** A call name as written: whitespace, control characters and % percent-encoded (UTF-8). */
    public static String escape(String name) {
        int i = 0;
        while (i < name.length() && !needsEscape(name.charAt(i))) {
            i++;
        }
        if (i == name.length()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length() + 8).append(name, 0, i);
        for (; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!needsEscape(c)) {
                b.append(c);
                continue;
            }
            for (byte x : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.toString();
    }

    /** The inverse of {@link #escape}. */
    public static String unescape(String token) {
        if (token.indexOf('%') < 0) {
            return token;
        }
        byte[] out = new byte[token.length() * 3];
        int n = 0;
        for (int i = 0; i < token.length(); ) {
            char c = token.charAt(i);
            if (c == '%' && isHex(token, i + 1)) {
                out[n++] = (byte) Integer.parseInt(token.substring(i + 1, i + 3), 16);
                i += 3;
            } else {
                for (byte x : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    out[n++] = x;
                }
                i++;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean isHex(String s, int at) {
        return at + 1 < s.length()
                && Character.digit(s.charAt(at), 16) >= 0
                && Character.digit(s.charAt(at + 1), 16) >= 0;
    }

    private static boolean needsEscape(char c) {
        return c == '%' || Character.isWhitespace(c) || Character.isISOControl(c) || c == '\u00a0';
    }

    /**
     * Reads a file of this format ({@code .gz} too): labels {@code normal}/{@code attack} are read
     * as {@code benign}/{@code hostile}, call names are decoded.
     *
     * @throws IllegalArgumentException naming the line that is not in the format
     */
    public static List<Trace> read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in =
                        file.getFileName().toString().endsWith(".gz")
                                ? new GZIPInputStream(raw)
                                : raw;
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (!HEADER.equals(header)) {
                throw new IllegalArgumentException(
                        file
                                + ": line 1 is not the header '"
                                + HEADER.replace("\t", "<TAB>")
                                + "'");
            }
            List<Trace> traces = new ArrayList<>();
            String line;
            int number = 1;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 5) {
                    throw new IllegalArgumentException(
                            file + ": line " + number + " has " + f.length + " fields, not 5");
                }
                InvocationKind kind;
                try {
                    kind = InvocationKind.valueOf(f[3]);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            file + ": line " + number + ": kind must be METHOD or SYSCALL");
                }
                try {
                    traces.add(
                            new Trace(
                                    f[0],
                                    f[1],
                                    f[2],
                                    kind,
                                    Arrays.stream(f[4].split(" "))
                                            .filter(s -> !s.isEmpty())
                                            .map(InvocationsTsv::unescape)
                                            .toList()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            file + ": line " + number + ": " + e.getMessage(), e);
                }
            }
            return traces;
        }
    }

    private static String normalLabel(String label) {
        if (label == null) {
            throw new IllegalArgumentException("label must be benign or hostile");
        }
        return switch (label) {
            case Scenario.BENIGN, "normal" -> Scenario.BENIGN;
            case Scenario.HOSTILE, "attack" -> Scenario.HOSTILE;
            default ->
                    throw new IllegalArgumentException(
                            "label must be benign or hostile (or normal/attack), got '"
                                    + label
                                    + "'");
        };
    }

    private static void check(String field, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    field
                            + " must be non-empty without whitespace, control characters or %, got '"
                            + (value == null
                                    ? "null"
                                    : value.replace("\t", "\\t").replace("\n", "\\n"))
                            + "'");
        }
    }
}
