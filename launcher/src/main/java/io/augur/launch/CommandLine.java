package io.augur.launch;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The command line every Augur daemon takes: {@code --name value} pairs from a known set, plus
 * {@code --help}. Bad arguments exit 2 with the reason and the usage; {@code --help} prints the
 * usage and exits 0.
 */
public final class CommandLine {
    private CommandLine() {}

    /** Parses one of a main's options; throws on bad arguments or {@code --help}. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String[] args) throws UsageException;
    }

    /**
     * Splits {@code --name value} pairs, accepting only {@code known} names.
     *
     * @throws UsageException for {@code --help}/{@code -h}, an unknown argument or a missing value
     */
    public static Arguments arguments(String[] args, Set<String> known) throws UsageException {
        return new Arguments(options(args, known));
    }

    /** {@link #arguments} as a plain map. */
    public static Map<String, String> options(String[] args, Set<String> known)
            throws UsageException {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw UsageException.help();
            }
            if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
                throw UsageException.bad("unknown argument: " + arg);
            }
            if (i + 1 >= args.length) {
                throw UsageException.bad(arg + " needs a value");
            }
            opts.put(arg.substring(2), args[++i]);
        }
        return opts;
    }

    /**
     * Parses a main's arguments, or exits: 0 after printing the usage for {@code --help}, 2 with
     * the reason and the usage for anything bad.
     */
    public static <T> T parseOrExit(String program, String usage, Parser<T> parser, String[] args) {
        try {
            return parser.parse(args);
        } catch (UsageException e) {
            if (e.isHelp()) {
                System.out.print(usage);
                System.exit(0);
            }
            System.err.println(program + ": " + e.getMessage());
            System.err.print(usage);
            System.exit(2);
            throw new IllegalStateException("unreachable", e);
        }
    }
}
