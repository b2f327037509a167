package io.augur.collector.syscall;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads strace's output, one line at a time, without state: the trace lines of {@code strace -f
 * -ttt} ({@link #parse}) and the diagnostics it writes to its standard error ({@link
 * #attachFailure}). Never throws on input: what it cannot read is {@link StraceLine.Malformed}.
 *
 * <p>A trace line is {@code [PID ]SECONDS.MICROS REST}, where the pid prefix is {@code 1234 }
 * (written to a file with {@code -o}), {@code [pid 1234] } (written to standard error) or absent
 * (one thread traced), and {@code REST} one of:
 *
 * <ul>
 *   <li>{@code name(args) = ret}: a call, complete;
 *   <li>{@code name(args <unfinished ...>}: a call another thread's event interrupted in the
 *       output; its end follows later as {@code <... name resumed>args) = ret};
 *   <li>{@code name(args <detached ...>}: a call in progress when strace detached;
 *   <li>{@code +++ exited with N +++}, {@code +++ killed by SIGKILL +++}, {@code +++ superseded by
 *       execve in pid N +++}: the thread ended;
 *   <li>{@code --- SIGCHLD {...} ---}: a signal (not a call);
 *   <li>{@code [ ... ]}: a notice such as a personality change.
 * </ul>
 *
 * A call line must end the way strace ends one ({@code = ret}, {@code <unfinished ...>} or {@code
 * <detached ...>}): a line torn when strace was killed mid-write is malformed, never half a call.
 */
public final class StraceParser {
    private static final String UNFINISHED = "<unfinished ...>";
    private static final String DETACHED = "<detached ...>";
    private static final Pattern RETURNED = Pattern.compile("\\)\\s+= \\S");
    private static final Pattern ATTACH_FAILURE =
            Pattern.compile("strace: attach: ptrace\\(PTRACE_[A-Z]+, (\\d{1,10})\\): (.+)");

    /** Seconds since the epoch fit in 12 digits until the year 33658. */
    private static final int MAX_SECONDS_DIGITS = 12;

    private StraceParser() {}

    /** A process strace could not attach to, from its standard error. */
    public record AttachFailure(long pid, String reason) {}

    /** Reads one trace line (without its line terminator). */
    public static StraceLine parse(String line) {
        if (line == null || line.isBlank()) {
            return new StraceLine.Malformed("empty line");
        }
        int n = line.length();
        int i = 0;
        long tid = StraceLine.NO_TID;
        if (line.startsWith("[pid ")) {
            int start = skipSpaces(line, 5);
            int end = skipDigits(line, start);
            if (end == start || end - start > 10 || end >= n || line.charAt(end) != ']') {
                return new StraceLine.Malformed("bad [pid N] prefix");
            }
            tid = Long.parseLong(line, start, end, 10);
            i = skipSpaces(line, end + 1);
        } else {
            int end = skipDigits(line, 0);
            if (end > 0 && end < n && line.charAt(end) == ' ') {
                if (end > 10) {
                    return new StraceLine.Malformed("pid prefix too long");
                }
                tid = Long.parseLong(line, 0, end, 10);
                i = skipSpaces(line, end);
            }
        }

        int secondsEnd = skipDigits(line, i);
        if (secondsEnd == i
                || secondsEnd - i > MAX_SECONDS_DIGITS
                || secondsEnd >= n
                || line.charAt(secondsEnd) != '.') {
            return new StraceLine.Malformed("no -ttt timestamp");
        }
        int fractionEnd = skipDigits(line, secondsEnd + 1);
        if (fractionEnd == secondsEnd + 1 || fractionEnd >= n || line.charAt(fractionEnd) != ' ') {
            return new StraceLine.Malformed("no -ttt timestamp");
        }
        long micros =
                Long.parseLong(line, i, secondsEnd, 10) * 1_000_000L
                        + micros(line, secondsEnd + 1, fractionEnd);

        String rest = line.substring(fractionEnd + 1);
        if (rest.startsWith("+++ ")) {
            boolean ended =
                    rest.endsWith(" +++")
                            && (rest.startsWith("+++ exited with ")
                                    || rest.startsWith("+++ killed by ")
                                    || rest.startsWith("+++ superseded by execve"));
            return ended ? new StraceLine.Exit(tid) : new StraceLine.Malformed("bad +++ line");
        }
        if (rest.startsWith("--- ")) {
            return rest.endsWith(" ---")
                    ? new StraceLine.Ignored(StraceLine.Reason.SIGNAL)
                    : new StraceLine.Malformed("torn signal line");
        }
        if (rest.startsWith("<... ")) {
            return rest.indexOf(" resumed>", 5) > 5
                    ? new StraceLine.Ignored(StraceLine.Reason.RESUMED)
                    : new StraceLine.Malformed("bad resumed line");
        }
        if (rest.startsWith("[ ") && rest.endsWith(" ]")) {
            return new StraceLine.Ignored(StraceLine.Reason.NOTICE);
        }

        int nameEnd = 0;
        while (nameEnd < rest.length() && isNameChar(rest.charAt(nameEnd), nameEnd == 0)) {
            nameEnd++;
        }
        if (nameEnd == 0 || nameEnd >= rest.length() || rest.charAt(nameEnd) != '(') {
            return new StraceLine.Malformed("not a system call");
        }
        boolean whole =
                rest.endsWith(UNFINISHED)
                        || rest.endsWith(DETACHED)
                        || RETURNED.matcher(rest).find(nameEnd);
        if (!whole) {
            return new StraceLine.Malformed("call without its end (torn line)");
        }
        return new StraceLine.Call(tid, micros, rest.substring(0, nameEnd));
    }

    /**
     * The process a line of strace's standard error says it could not attach to ({@code strace:
     * attach: ptrace(PTRACE_SEIZE, 123): Operation not permitted}); empty for any other line.
     */
    public static Optional<AttachFailure> attachFailure(String diagnosticLine) {
        if (diagnosticLine == null) {
            return Optional.empty();
        }
        Matcher m = ATTACH_FAILURE.matcher(diagnosticLine);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new AttachFailure(Long.parseLong(m.group(1)), m.group(2)));
    }

    /** The fraction's digits as microseconds: 6 digits as they are, fewer padded, more cut. */
    private static long micros(String s, int from, int to) {
        long value = 0;
        for (int k = 0; k < 6; k++) {
            int digit = from + k < to ? s.charAt(from + k) - '0' : 0;
            value = value * 10 + digit;
        }
        return value;
    }

    private static boolean isNameChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || c == '_'
                || (!first && c >= '0' && c <= '9');
    }

    private static int skipDigits(String s, int i) {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
