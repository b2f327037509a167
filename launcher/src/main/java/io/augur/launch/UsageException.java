package io.augur.launch;

/** Bad command-line arguments (exit code 2), or {@code --help} (exit code 0). */
public final class UsageException extends Exception {
    private final boolean help;

    private UsageException(String message, boolean help) {
        super(message);
        this.help = help;
    }

    public static UsageException bad(String message) {
        return new UsageException(message, false);
    }

    public static UsageException help() {
        return new UsageException("help requested", true);
    }

    public boolean isHelp() {
        return help;
    }
}
