package io.augur.functions.policy;

import io.augur.functions.allocation.Allocation;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.ReputationSettings;
import io.augur.functions.feedback.FeedbackSettings;
import io.augur.functions.quarantine.QuarantineSettings;
import io.augur.functions.sandbox.NetworkAllowLists;
import io.augur.functions.sandbox.SandboxSettings;
import io.augur.schema.NetworkDestination;
import io.augur.schema.TrustLevel;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a decision policy from YAML and validates all of it before anything runs on it. Every
 * problem is reported, each as {@code SOURCE:LINE: what is wrong}: unknown keys (a typo must not
 * silently fall back to a default), wrong types, values out of range, thresholds in the wrong
 * order. A key left out takes the specifications' value ({@link AllocationSettings#DEFAULTS}).
 *
 * <p>The format is documented in {@code deploy/policies/README.md}.
 */
public final class PolicyLoader {

    private static final Pattern SIZE =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|KiB|MiB|GiB|TiB)?", Pattern.CASE_INSENSITIVE);

    /** Entries of one allow-list: the enforcer's bound. */
    static final int MAX_ALLOW_LIST = 256;

    private PolicyLoader() {}

    /** Loads and validates the policy in {@code file}. */
    public static Policy load(Path file) throws IOException, PolicyException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Validates the policy in {@code text}.
     *
     * @param source how problems name the text (a file name)
     */
    public static Policy parse(String text, String source) throws PolicyException {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported below, with both lines
            options.setMaxAliasesForCollections(10);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 1 : mark.getLine() + 1;
            throw new PolicyException(
                    List.of(source + ":" + line + ": not valid YAML: " + e.getProblem()));
        } catch (YAMLException e) {
            throw new PolicyException(List.of(source + ": not valid YAML: " + e.getMessage()));
        }
        Reader reader = new Reader(source);
        Policy policy = reader.policy(root);
        if (!reader.problems.isEmpty()) {
            throw new PolicyException(reader.problems);
        }
        return policy;
    }

    /** One pass over the node tree, collecting problems. */
    private static final class Reader {
        private final String source;
        final List<String> problems = new ArrayList<>();
        // The sandbox templates' allow-lists, read with their sections.
        List<String> restrictedAllowList = NetworkAllowLists.DEFAULTS.restricted();
        List<String> mediumAllowList = NetworkAllowLists.DEFAULTS.sandboxMedium();
        List<String> splitAllowList = NetworkAllowLists.DEFAULTS.split();

        Reader(String source) {
            this.source = source;
        }

        void problem(Node at, String message) {
            problems.add(source + ":" + line(at) + ": " + message);
        }

        static int line(Node node) {
            return node == null ? 1 : node.getStartMark().getLine() + 1;
        }

        Policy policy(Node root) {
            if (root == null) {
                problems.add(source + ":1: the policy is empty (it needs at least 'version')");
                return null;
            }
            Section top =
                    section(
                            root,
                            "the policy",
                            Set.of(
                                    "version",
                                    "mode",
                                    "risk",
                                    "allocation",
                                    "monitoring",
                                    "trust",
                                    "quarantine",
                                    "reputation",
                                    "sandbox",
                                    "acks"));
            if (top == null) {
                return null;
            }
            String version = top.string("version", null);
            if (version == null && top.node("version") == null) {
                problem(root, "'version' is missing: name this policy (e.g. version: default-1)");
            } else if (version != null && version.isBlank()) {
                problem(top.node("version"), "'version' must not be blank");
            }
            PolicyMode mode = PolicyMode.ENFORCE;
            String modeText = top.string("mode", "enforce");
            if (modeText != null) {
                switch (modeText.toLowerCase(Locale.ROOT)) {
                    case "enforce" -> mode = PolicyMode.ENFORCE;
                    case "monitor" -> mode = PolicyMode.MONITOR;
                    default ->
                            problem(
                                    top.node("mode"),
                                    "mode must be 'enforce' or 'monitor', got '" + modeText + "'");
                }
            }
            AllocationSettings d = AllocationSettings.DEFAULTS;

            Section risk =
                    top.child(
                            "risk",
                            Set.of("critical-threshold", "high-threshold", "medium-threshold"));
            double critical =
                    risk.number(
                            "critical-threshold",
                            d.criticalThreshold(),
                            v -> v >= 0 && v <= 1,
                            "in [0, 1]");
            double high =
                    risk.number(
                            "high-threshold",
                            d.highThreshold(),
                            v -> v >= 0 && v <= 1,
                            "in [0, 1]");
            double medium =
                    risk.number(
                            "medium-threshold",
                            d.mediumThreshold(),
                            v -> v >= 0 && v <= 1,
                            "in [0, 1]");
            if (medium > high) {
                problem(
                        risk.nodeOr("medium-threshold", risk.at),
                        String.format(
                                Locale.ROOT,
                                "risk.medium-threshold %s must not be above risk.high-threshold %s",
                                medium,
                                high));
            }

            if (high > critical) {
                problem(
                        risk.nodeOr("high-threshold", risk.nodeOr("critical-threshold", risk.at)),
                        String.format(
                                Locale.ROOT,
                                "risk.high-threshold %s must not be above risk.critical-threshold %s",
                                high,
                                critical));
            }
            Section quarantine =
                    top.child(
                            "quarantine",
                            Set.of(
                                    "terminate-after-ms",
                                    "release-trust",
                                    "release",
                                    "on-true-positive"));
            long terminateAfter = quarantine.integer("terminate-after-ms", d.terminateAfterMs(), 0);
            QuarantineSettings verdicts = quarantineVerdicts(quarantine);

            Section alloc =
                    top.child(
                            "allocation",
                            Set.of(
                                    "restricted",
                                    "default",
                                    "throttle-factor",
                                    "headroom",
                                    "min-cpu-cores",
                                    "min-memory",
                                    "memory-usage-factor",
                                    "saturation",
                                    "saturation-growth",
                                    "throttled-saturation",
                                    "headroom-min",
                                    "headroom-max",
                                    "headroom-step",
                                    "headroom-raise-at",
                                    "headroom-lower-below",
                                    "headroom-lower-after"));
            Allocation restricted = allocation(alloc, "restricted", d.restricted());
            Allocation fallback = allocation(alloc, "default", d.defaultAllocation());
            double throttle =
                    alloc.number(
                            "throttle-factor",
                            d.throttleFactor(),
                            v -> v > 0 && v <= 1,
                            "in (0, 1]");
            double headroom = alloc.number("headroom", d.headroom(), v -> v >= 0, ">= 0");
            double minCpu = alloc.number("min-cpu-cores", d.minCpuCores(), v -> v > 0, "> 0");
            long minMemory = alloc.size("min-memory", d.minMemoryBytes());
            double usageFactor =
                    alloc.number("memory-usage-factor", d.memoryUsageFactor(), v -> v >= 1, ">= 1");
            double saturation =
                    alloc.number("saturation", d.saturation(), v -> v > 0 && v <= 1, "in (0, 1]");
            double growth =
                    alloc.number("saturation-growth", d.saturationGrowth(), v -> v >= 1, ">= 1");
            double throttledSaturation =
                    alloc.number(
                            "throttled-saturation", d.throttledSaturation(), v -> v > 0, "> 0");
            FeedbackSettings df = FeedbackSettings.DEFAULTS;
            double headroomMin =
                    alloc.number("headroom-min", df.headroomMin(), v -> v >= 0, ">= 0");
            double headroomMax =
                    alloc.number("headroom-max", df.headroomMax(), v -> v >= 0, ">= 0");
            double headroomStep =
                    alloc.number("headroom-step", df.headroomStep(), v -> v > 0, "> 0");
            double raiseAt =
                    alloc.number(
                            "headroom-raise-at", df.raiseAt(), v -> v > 0 && v <= 1, "in (0, 1]");
            double lowerBelow =
                    alloc.number(
                            "headroom-lower-below",
                            df.lowerBelow(),
                            v -> v >= 0 && v < 1,
                            "in [0, 1)");
            long lowerAfter = alloc.integer("headroom-lower-after", df.lowerAfter(), 1);
            if (lowerAfter > Integer.MAX_VALUE) {
                problem(alloc.node("headroom-lower-after"), "headroom-lower-after is too large");
                lowerAfter = df.lowerAfter();
            }
            if (headroomMin > headroomMax) {
                problem(
                        alloc.nodeOr("headroom-min", alloc.nodeOr("headroom-max", alloc.at)),
                        String.format(
                                Locale.ROOT,
                                "allocation.headroom-min %s must not be above"
                                        + " allocation.headroom-max %s",
                                headroomMin,
                                headroomMax));
            } else if (headroom < headroomMin || headroom > headroomMax) {
                problem(
                        alloc.nodeOr("headroom", alloc.nodeOr("headroom-min", alloc.at)),
                        String.format(
                                Locale.ROOT,
                                "allocation.headroom %s (where tuning starts) must be within"
                                        + " [headroom-min %s, headroom-max %s]",
                                headroom,
                                headroomMin,
                                headroomMax));
            }
            if (lowerBelow >= raiseAt) {
                problem(
                        alloc.nodeOr(
                                "headroom-lower-below",
                                alloc.nodeOr("headroom-raise-at", alloc.at)),
                        String.format(
                                Locale.ROOT,
                                "allocation.headroom-lower-below %s must be below"
                                        + " allocation.headroom-raise-at %s",
                                lowerBelow,
                                raiseAt));
            }
            Section acks = top.child("acks", Set.of("max-retries", "retry-backoff-ms"));
            long maxRetries = acks.integer("max-retries", df.maxRetries(), 0);
            if (maxRetries > 100) {
                problem(
                        acks.node("max-retries"),
                        "acks.max-retries must be at most 100 (a decision that failed 100 times"
                                + " will not apply), got "
                                + maxRetries);
                maxRetries = df.maxRetries();
            }
            long backoff = acks.integer("retry-backoff-ms", df.retryBackoffMs(), 1);

            Section monitoring =
                    top.child("monitoring", Set.of("base-interval-ms", "elevated-interval-ms"));
            long base = monitoring.integer("base-interval-ms", d.baseMonitoringIntervalMs(), 1);
            long elevated =
                    monitoring.integer("elevated-interval-ms", d.elevatedMonitoringIntervalMs(), 1);

            Section trust = top.child("trust", Set.of("calm-assessments-to-recover"));
            long calm =
                    trust.integer("calm-assessments-to-recover", d.calmAssessmentsToRecover(), 1);
            if (calm > Integer.MAX_VALUE) {
                problem(
                        trust.node("calm-assessments-to-recover"),
                        "calm-assessments-to-recover is too large");
            }

            ReputationSettings dr = ReputationSettings.DEFAULTS;
            Section rep =
                    top.child(
                            "reputation",
                            Set.of(
                                    "risk-alpha",
                                    "prior-risk",
                                    "incident-half-life-ms",
                                    "high-trust-above",
                                    "medium-trust-above",
                                    "anomaly-high-weight",
                                    "anomaly-medium-weight"));
            double alpha =
                    rep.number("risk-alpha", dr.riskAlpha(), v -> v > 0 && v <= 1, "in (0, 1]");
            double prior =
                    rep.number("prior-risk", dr.priorRisk(), v -> v >= 0 && v <= 1, "in [0, 1]");
            long halfLife = rep.integer("incident-half-life-ms", dr.incidentHalfLifeMs(), 1);
            double highTrust =
                    rep.number(
                            "high-trust-above",
                            dr.highTrustAbove(),
                            v -> v >= 0 && v <= 1,
                            "in [0, 1]");
            double mediumTrust =
                    rep.number(
                            "medium-trust-above",
                            dr.mediumTrustAbove(),
                            v -> v >= 0 && v <= 1,
                            "in [0, 1]");
            if (mediumTrust > highTrust) {
                problem(
                        rep.nodeOr("medium-trust-above", rep.nodeOr("high-trust-above", rep.at)),
                        String.format(
                                Locale.ROOT,
                                "reputation.medium-trust-above %s must not be above"
                                        + " reputation.high-trust-above %s",
                                mediumTrust,
                                highTrust));
            }

            double anomalyHigh =
                    rep.number("anomaly-high-weight", dr.anomalyHighWeight(), v -> v >= 0, ">= 0");
            double anomalyMedium =
                    rep.number(
                            "anomaly-medium-weight", dr.anomalyMediumWeight(), v -> v >= 0, ">= 0");
            if (anomalyMedium > anomalyHigh) {
                problem(
                        rep.nodeOr(
                                "anomaly-medium-weight", rep.nodeOr("anomaly-high-weight", rep.at)),
                        String.format(
                                Locale.ROOT,
                                "reputation.anomaly-medium-weight %s must not be above"
                                        + " reputation.anomaly-high-weight %s",
                                anomalyMedium,
                                anomalyHigh));
            }

            SandboxSettings sandbox = sandbox(top);

            if (!problems.isEmpty()) {
                return null;
            }
            try {
                AllocationSettings settings =
                        new AllocationSettings(
                                high,
                                medium,
                                restricted,
                                throttle,
                                headroom,
                                minCpu,
                                minMemory,
                                usageFactor,
                                base,
                                elevated,
                                fallback,
                                saturation,
                                growth,
                                throttledSaturation,
                                (int) calm,
                                critical,
                                terminateAfter);
                return new Policy(
                        version,
                        mode,
                        settings,
                        new ReputationSettings(
                                alpha,
                                prior,
                                halfLife,
                                highTrust,
                                mediumTrust,
                                anomalyHigh,
                                anomalyMedium),
                        sandbox,
                        new FeedbackSettings(
                                headroomMin,
                                headroomMax,
                                headroomStep,
                                raiseAt,
                                lowerBelow,
                                (int) lowerAfter,
                                (int) maxRetries,
                                backoff),
                        new NetworkAllowLists(restrictedAllowList, mediumAllowList, splitAllowList),
                        verdicts);
            } catch (IllegalArgumentException e) {
                problem(root, e.getMessage());
                return null;
            }
        }

        /** Section {@code quarantine}: what an analyst's verdict does to a quarantined task. */
        private QuarantineSettings quarantineVerdicts(Section quarantine) {
            QuarantineSettings d = QuarantineSettings.DEFAULTS;
            TrustLevel trust = d.releaseTrust();
            String trustText = quarantine.string("release-trust", null);
            if (trustText != null) {
                switch (trustText.toUpperCase(Locale.ROOT)) {
                    case "LOW" -> trust = TrustLevel.LOW;
                    case "MEDIUM" -> trust = TrustLevel.MEDIUM;
                    case "HIGH" ->
                            problem(
                                    quarantine.node("release-trust"),
                                    "quarantine.release-trust must be LOW or MEDIUM, not HIGH:"
                                            + " trust recovers one level at a time, never in one"
                                            + " step");
                    default ->
                            problem(
                                    quarantine.node("release-trust"),
                                    "quarantine.release-trust must be LOW or MEDIUM, got '"
                                            + trustText
                                            + "'");
                }
            }
            Allocation release = allocation(quarantine, "release", d.releaseAllocation());
            QuarantineSettings.OnTruePositive onTrue = d.onTruePositive();
            String onTrueText = quarantine.string("on-true-positive", null);
            if (onTrueText != null) {
                switch (onTrueText.toUpperCase(Locale.ROOT)) {
                    case "TERMINATE" -> onTrue = QuarantineSettings.OnTruePositive.TERMINATE;
                    case "KEEP" -> onTrue = QuarantineSettings.OnTruePositive.KEEP;
                    default ->
                            problem(
                                    quarantine.node("on-true-positive"),
                                    "quarantine.on-true-positive must be TERMINATE or KEEP, got '"
                                            + onTrueText
                                            + "'");
                }
            }
            return new QuarantineSettings(trust, release, onTrue);
        }

        /** Section {@code sandbox}: the sandbox levels of sequence anomalies. */
        private SandboxSettings sandbox(Section top) {
            SandboxSettings d = SandboxSettings.DEFAULTS;
            Section sandbox =
                    top.child("sandbox", Set.of("low", "medium", "high", "calm-windows-to-relax"));
            Section low = sandbox.child("low", Set.of("monitoring-interval-ms"));
            long lowInterval =
                    low.integer("monitoring-interval-ms", d.lowMonitoringIntervalMs(), 1);
            Section medium =
                    sandbox.child(
                            "medium",
                            Set.of(
                                    "cpu-factor",
                                    "memory-factor",
                                    "network",
                                    "network-bandwidth",
                                    "network-allow-list",
                                    "profile"));
            double cpuFactor =
                    medium.number(
                            "cpu-factor", d.mediumCpuFactor(), v -> v > 0 && v <= 1, "in (0, 1]");
            double memoryFactor =
                    medium.number(
                            "memory-factor",
                            d.mediumMemoryFactor(),
                            v -> v > 0 && v <= 1,
                            "in (0, 1]");
            SandboxSettings.NetworkRestriction network = d.mediumNetwork();
            String networkText = medium.string("network", null);
            if (networkText != null) {
                switch (networkText.toLowerCase(Locale.ROOT)) {
                    case "off", "false", "no" -> network = SandboxSettings.NetworkRestriction.OFF;
                    case "limited" -> network = SandboxSettings.NetworkRestriction.LIMITED;
                    default ->
                            problem(
                                    medium.node("network"),
                                    "sandbox.medium.network must be 'off' or 'limited', got '"
                                            + networkText
                                            + "'");
                }
            }
            long bandwidth = medium.size("network-bandwidth", d.mediumNetworkBandwidthBps());
            if (bandwidth < 8 * 1024) {
                problem(
                        medium.node("network-bandwidth"),
                        "sandbox.medium.network-bandwidth must be at least 8KiB (bytes per second;"
                                + " the enforcer refuses less), got "
                                + bandwidth);
                bandwidth = d.mediumNetworkBandwidthBps();
            }
            String profile = medium.string("profile", d.restrictedProfile());
            if (profile != null && !SandboxSettings.PROFILES.contains(profile)) {
                problem(
                        medium.node("profile"),
                        "sandbox.medium.profile must be one of "
                                + String.join(", ", SandboxSettings.PROFILES)
                                + " (the actuator's profiles), got '"
                                + profile
                                + "'");
                profile = d.restrictedProfile();
            }
            Section high = sandbox.child("high", Set.of("boundary-shifting", "split"));
            boolean shifting = high.bool("boundary-shifting", d.boundaryShifting());
            Section split =
                    high.child(
                            "split",
                            Set.of("cpu-cores", "memory", "pids-max", "network-allow-list"));
            mediumAllowList =
                    medium.allowList(
                            "network-allow-list", NetworkAllowLists.DEFAULTS.sandboxMedium());
            splitAllowList =
                    split.allowList("network-allow-list", NetworkAllowLists.DEFAULTS.split());
            double splitCpu = split.number("cpu-cores", d.splitCpuCores(), v -> v > 0, "> 0");
            long splitMemory = split.size("memory", d.splitMemoryBytes());
            if (splitMemory < 16L << 20) {
                problem(
                        split.node("memory"),
                        "sandbox.high.split.memory must be at least 16MiB (the enforcer refuses"
                                + " less), got "
                                + splitMemory);
                splitMemory = d.splitMemoryBytes();
            }
            long pidsMax = split.integer("pids-max", d.splitPidsMax(), 1);
            long calm = sandbox.integer("calm-windows-to-relax", d.calmWindowsToRelax(), 1);
            if (calm > Integer.MAX_VALUE) {
                problem(
                        sandbox.node("calm-windows-to-relax"),
                        "calm-windows-to-relax is too large");
                calm = d.calmWindowsToRelax();
            }
            if (!problems.isEmpty()) {
                return d;
            }
            return new SandboxSettings(
                    lowInterval,
                    cpuFactor,
                    memoryFactor,
                    network,
                    bandwidth,
                    profile,
                    shifting,
                    splitCpu,
                    splitMemory,
                    pidsMax,
                    (int) calm);
        }

        private Allocation allocation(Section parent, String key, Allocation fallback) {
            Section s =
                    parent.child(
                            key,
                            key.equals("restricted")
                                    ? Set.of("cpu-cores", "memory", "network", "network-allow-list")
                                    : Set.of("cpu-cores", "memory", "network"));
            if (s.at == null) {
                return fallback;
            }
            double cpu = s.number("cpu-cores", fallback.cpuCores(), v -> v > 0, "> 0");
            long memory = s.size("memory", fallback.memoryBytes());
            boolean network = s.bool("network", fallback.networkEnabled());
            if (key.equals("restricted")) {
                restrictedAllowList =
                        s.allowList("network-allow-list", NetworkAllowLists.DEFAULTS.restricted());
            }
            return new Allocation(cpu, memory, network);
        }

        /** The mapping at {@code node}, or null (and a problem) when it is not one. */
        private Section section(Node node, String path, Set<String> known) {
            if (!(node instanceof MappingNode mapping)) {
                problem(node, path + " must be a mapping of keys to values");
                return null;
            }
            Map<String, NodeTuple> entries = new LinkedHashMap<>();
            for (NodeTuple t : mapping.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    problem(t.getKeyNode(), "keys of " + path + " must be plain names");
                    continue;
                }
                String key = k.getValue();
                NodeTuple earlier = entries.get(key);
                if (earlier != null) {
                    problem(
                            k,
                            "'"
                                    + key
                                    + "' is given twice in "
                                    + path
                                    + " (first on line "
                                    + line(earlier.getKeyNode())
                                    + ")");
                    continue;
                }
                if (!known.contains(key)) {
                    problem(
                            k,
                            "unknown key '"
                                    + key
                                    + "' in "
                                    + path
                                    + " (known: "
                                    + String.join(", ", known.stream().sorted().toList())
                                    + ")");
                    continue;
                }
                entries.put(key, t);
            }
            return new Section(node, path, entries);
        }

        /** A mapping of the policy; an absent one ({@code at == null}) yields every default. */
        private final class Section {
            final Node at;
            final String path;
            final Map<String, NodeTuple> entries;

            Section(Node at, String path, Map<String, NodeTuple> entries) {
                this.at = at;
                this.path = path;
                this.entries = entries;
            }

            Node node(String key) {
                NodeTuple t = entries.get(key);
                return t == null ? null : t.getValueNode();
            }

            Node nodeOr(String key, Node fallback) {
                Node n = node(key);
                return n != null ? n : fallback;
            }

            String name(String key) {
                return path.equals("the policy") ? key : path + "." + key;
            }

            Section child(String key, Set<String> known) {
                Node n = node(key);
                if (n == null) {
                    return new Section(null, name(key), Map.of());
                }
                Section s = section(n, name(key), known);
                return s != null ? s : new Section(null, name(key), Map.of());
            }

            private String scalar(String key) {
                Node n = node(key);
                if (n == null) {
                    return null;
                }
                if (!(n instanceof ScalarNode s)) {
                    problem(n, name(key) + " must be a single value");
                    return null;
                }
                return s.getValue().trim();
            }

            String string(String key, String fallback) {
                Node n = node(key);
                if (n == null) {
                    return fallback;
                }
                return scalar(key);
            }

            double number(String key, double fallback, DoublePredicate ok, String range) {
                String text = scalar(key);
                if (text == null) {
                    return fallback;
                }
                double v;
                try {
                    v = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    problem(node(key), name(key) + " must be a number, got '" + text + "'");
                    return fallback;
                }
                if (!Double.isFinite(v) || !ok.test(v)) {
                    problem(node(key), name(key) + " must be " + range + ", got " + text);
                    return fallback;
                }
                return v;
            }

            long integer(String key, long fallback, long min) {
                String text = scalar(key);
                if (text == null) {
                    return fallback;
                }
                long v;
                try {
                    v = Long.parseLong(text.replace("_", ""));
                } catch (NumberFormatException e) {
                    problem(node(key), name(key) + " must be a whole number, got '" + text + "'");
                    return fallback;
                }
                if (v < min) {
                    problem(node(key), name(key) + " must be >= " + min + ", got " + text);
                    return fallback;
                }
                return v;
            }

            boolean bool(String key, boolean fallback) {
                String text = scalar(key);
                if (text == null) {
                    return fallback;
                }
                switch (text.toLowerCase(Locale.ROOT)) {
                    case "true", "on", "yes" -> {
                        return true;
                    }
                    case "false", "off", "no" -> {
                        return false;
                    }
                    default -> {
                        problem(
                                node(key),
                                name(key) + " must be true or false, got '" + text + "'");
                        return fallback;
                    }
                }
            }

            /**
             * A list of destinations {@code A.B.C.D[/N][:PORT]} (a YAML sequence; {@code []} for
             * none, {@code null} or {@code ~} for no allow-list), each checked with the launcher's
             * and enforcer's parser.
             */
            List<String> allowList(String key, List<String> fallback) {
                Node n = node(key);
                if (n == null) {
                    return fallback;
                }
                if (n instanceof ScalarNode sc && sc.getTag().equals(Tag.NULL)) {
                    return null;
                }
                if (!(n instanceof SequenceNode seq)) {
                    problem(
                            n,
                            name(key)
                                    + " must be a list of destinations A.B.C.D[/N][:PORT] (e.g."
                                    + " [10.231.0.0/16:9092]), [] for none, or null for no"
                                    + " allow-list");
                    return fallback;
                }
                List<String> out = new ArrayList<>();
                boolean ok = true;
                for (Node item : seq.getValue()) {
                    if (!(item instanceof ScalarNode v)) {
                        problem(item, name(key) + " entries must be single values");
                        ok = false;
                        continue;
                    }
                    try {
                        out.add(NetworkDestination.parse(v.getValue()).toString());
                    } catch (IllegalArgumentException e) {
                        problem(item, name(key) + ": " + e.getMessage());
                        ok = false;
                    }
                }
                if (out.size() > MAX_ALLOW_LIST) {
                    problem(
                            n,
                            name(key)
                                    + " has "
                                    + out.size()
                                    + " entries, at most "
                                    + MAX_ALLOW_LIST);
                    ok = false;
                }
                return ok ? out : fallback;
            }

            /** Bytes: a whole number, or a number with KiB, MiB, GiB or TiB. */
            long size(String key, long fallback) {
                String text = scalar(key);
                if (text == null) {
                    return fallback;
                }
                Matcher m = SIZE.matcher(text);
                if (!m.matches()) {
                    problem(
                            node(key),
                            name(key)
                                    + " must be a size in bytes, or with a unit KiB, MiB, GiB or"
                                    + " TiB (e.g. 512MiB), got '"
                                    + text
                                    + "'");
                    return fallback;
                }
                double n = Double.parseDouble(m.group(1));
                String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
                double factor =
                        switch (unit) {
                            case "kib" -> 1L << 10;
                            case "mib" -> 1L << 20;
                            case "gib" -> 1L << 30;
                            case "tib" -> 1L << 40;
                            default -> 1;
                        };
                double bytes = n * factor;
                if (bytes < 1 || bytes > Long.MAX_VALUE / 2 || bytes != Math.rint(bytes)) {
                    problem(
                            node(key),
                            name(key)
                                    + " must be a whole, positive number of bytes, got '"
                                    + text
                                    + "'");
                    return fallback;
                }
                return (long) bytes;
            }
        }
    }
}
