package io.augur.functions.policy;

import io.augur.functions.allocation.AllocationSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code ./augur policy check FILE...}: validates decision policies and explains every problem with
 * its line. Exit status 0 when every file is valid, 1 when one is not, 2 on bad usage.
 */
public final class PolicyCheckMain {

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: ./augur policy check FILE...",
                    "",
                    "Validates Augur decision policies (YAML; format: deploy/policies/README.md)"
                            + " without running anything.",
                    "Prints each valid policy's version, mode and values; for an invalid one, every"
                            + " problem as FILE:LINE: message.",
                    "Exit status: 0 all valid, 1 some invalid, 2 bad usage.");

    private PolicyCheckMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            out.println(USAGE);
            return 0;
        }
        int status = 0;
        for (String arg : args) {
            if (arg.startsWith("-")) {
                err.println("unknown option " + arg);
                err.println(USAGE);
                return 2;
            }
            Path file = Path.of(arg);
            if (!Files.isRegularFile(file)) {
                err.println(arg + ": no such file");
                status = 1;
                continue;
            }
            try {
                Policy p = PolicyLoader.load(file);
                out.println(arg + ": OK  " + describe(p));
            } catch (PolicyException e) {
                err.println(
                        arg
                                + ": INVALID ("
                                + e.problems().size()
                                + (e.problems().size() == 1 ? " problem)" : " problems)"));
                e.problems().forEach(err::println);
                status = 1;
            } catch (IOException e) {
                err.println(arg + ": cannot read: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    /** One line: version, mode and the values that matter most. */
    public static String describe(Policy p) {
        AllocationSettings s = p.allocation();
        return String.format(
                        Locale.ROOT,
                        "version %s, mode %s, risk high > %.2f, medium > %.2f, restricted %.2f cores /"
                                + " %d MiB / network %s, throttle x%.2f, headroom %.0f%% (tuned by acks"
                                + " within %.0f-%.0f%% in steps of %.0f%%), monitoring %d ms"
                                + " (elevated %d ms), trust recovers after %d calm assessments; sandbox:"
                                + " LOW monitoring %d ms, MEDIUM cpu x%.2f memory x%.2f network %s"
                                + " profile %s, HIGH %s; failed decisions retried %d times (backoff %d ms,"
                                + " doubling), then escalated; a HIGH anomaly weighs %.2f incidents",
                        p.version(),
                        p.mode().name().toLowerCase(Locale.ROOT),
                        s.highThreshold(),
                        s.mediumThreshold(),
                        s.restricted().cpuCores(),
                        s.restricted().memoryBytes() >> 20,
                        s.restricted().networkEnabled() ? "on" : "off",
                        s.throttleFactor(),
                        s.headroom() * 100,
                        p.feedback().headroomMin() * 100,
                        p.feedback().headroomMax() * 100,
                        p.feedback().headroomStep() * 100,
                        s.baseMonitoringIntervalMs(),
                        s.elevatedMonitoringIntervalMs(),
                        s.calmAssessmentsToRecover(),
                        p.sandbox().lowMonitoringIntervalMs(),
                        p.sandbox().mediumCpuFactor(),
                        p.sandbox().mediumMemoryFactor(),
                        p.sandbox().mediumNetwork().name().toLowerCase(Locale.ROOT),
                        p.sandbox().restrictedProfile(),
                        p.sandbox().boundaryShifting()
                                ? "split an attributed process, else quarantine"
                                : "quarantine",
                        p.feedback().maxRetries(),
                        p.feedback().retryBackoffMs(),
                        p.reputation().anomalyHighWeight())
                + String.format(
                        Locale.ROOT,
                        "; network allow-lists: restricted %s, MEDIUM %s, split %s",
                        allowList(p.networkAllowLists().restricted()),
                        allowList(p.networkAllowLists().sandboxMedium()),
                        allowList(p.networkAllowLists().split()));
    }

    private static String allowList(java.util.List<String> l) {
        return l == null ? "none" : l.isEmpty() ? "[] (no destination)" : l.toString();
    }
}
