package io.augur.deploy.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.launch.AugurHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules (and their tests' input series) name only metrics that Augur's code registers,
 * under the names the Prometheus client exposes them: a renamed metric must break this test, not
 * silently disable an alert.
 */
class RuleMetricsTest {

    /** The classes that register Augur's metrics. */
    static final List<String> METRIC_SOURCES =
            List.of(
                    "actuator/src/main/java/io/augur/actuator/EnforcerMetrics.java",
                    "collector/src/main/java/io/augur/collector/CollectorMetrics.java",
                    "collector/src/main/java/io/augur/collector/InvocationMetrics.java",
                    "statefun-functions/src/main/java/io/augur/functions/http/"
                            + "PrometheusDecisionObserver.java",
                    "statefun-functions/src/main/java/io/augur/functions/http/PolicyMetrics.java");

    /**
     * augur_* words in the rules that are label values, not metrics: the Flink jobs' names (the
     * profiler job's and the StateFun runtime's, '-' written '_' by Flink's reporter).
     */
    static final Set<String> NOT_METRICS = Set.of("augur_behavior_profiler", "augur_statefun");

    /** Prometheus's own metrics the rules may use. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private static final Pattern REGISTERED =
            Pattern.compile(
                    "(Counter|Gauge|Histogram|Summary)\\.build\\(\\)\\s*\\.name\\(\"([^\"]+)\"\\)");
    private static final Pattern AUGUR_METRIC = Pattern.compile("\\baugur_[a-z0-9_]+");

    /** Operator metrics of the profiler job, as Flink's Prometheus reporter names them. */
    static final String FLINK_OPERATOR = "flink_taskmanager_job_task_operator_";

    private static final Pattern FLINK_OPERATOR_METRIC =
            Pattern.compile("\\b" + FLINK_OPERATOR + "([A-Za-z0-9_]+)");
    private static final Pattern FLINK_REGISTERED =
            Pattern.compile("\\.(?:counter|gauge)\\(\\s*\"([A-Za-z0-9_]+)\"");

    /**
     * Operator metrics Flink itself registers that the rules use: the sources' backlog (FLIP-33
     * {@code pendingRecords}, which LocalJobRunnerIT finds in the job's scrape).
     */
    static final Set<String> FLINK_OWN = Set.of("pendingRecords");

    /**
     * Operator metrics of the StateFun runtime (Flink 1.16) the rules use: its Kafka ingress is
     * Flink's legacy {@code FlinkKafkaConsumer}, which registers the Kafka client's metrics under
     * the group {@code KafkaConsumer} ({@code KafkaConsumerMetricConstants}), so the client's
     * {@code records-lag-max} is exported as {@code ..._operator_KafkaConsumer_records_lag_max}.
     * StatefunClusterIT scrapes it from the official distribution on Flink 1.16.2 (the local
     * runtime runs no reporter).
     */
    static final Set<String> STATEFUN_RUNTIME_OWN = Set.of("KafkaConsumer_records_lag_max");

    /** The metric names the profiler job's functions register on their operator groups. */
    static Set<String> jobMetricNames() throws IOException {
        Set<String> names = new TreeSet<>(FLINK_OWN);
        Path sources = AugurHome.resolve().resolve("jobs/src/main/java");
        try (var files = Files.walk(sources)) {
            for (Path f :
                    (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = FLINK_REGISTERED.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    /** Every series name the Java code makes Prometheus see. */
    static Set<String> exposedNames() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String source : METRIC_SOURCES) {
            String java = Files.readString(AugurHome.resolve().resolve(source));
            Matcher m = REGISTERED.matcher(java);
            int found = 0;
            while (m.find()) {
                found++;
                String name = m.group(2);
                switch (m.group(1)) {
                    case "Counter" -> {
                        // The client strips a given _total and always exposes NAME_total.
                        String base =
                                name.endsWith("_total")
                                        ? name.substring(0, name.length() - 6)
                                        : name;
                        names.add(base + "_total");
                        names.add(base + "_created");
                    }
                    case "Histogram" -> {
                        names.add(name + "_bucket");
                        names.add(name + "_sum");
                        names.add(name + "_count");
                    }
                    case "Summary" -> {
                        names.add(name);
                        names.add(name + "_sum");
                        names.add(name + "_count");
                    }
                    default -> names.add(name);
                }
            }
            assertThat(found).as("metrics registered in " + source).isPositive();
        }
        return names;
    }

    @Test
    void readsTheMetricsOfAllThreeDaemons() throws IOException {
        assertThat(exposedNames())
                .contains(
                        "augur_enforcer_decisions_total",
                        "augur_enforcer_apply_latency_seconds_bucket",
                        "augur_collector_sampling_lag_seconds",
                        "augur_decisions_issued_total",
                        "augur_functions_dead_letters_total");
    }

    @Test
    void readsTheProfilerJobsMetrics() throws IOException {
        assertThat(jobMetricNames())
                .contains(
                        "liveCoverage",
                        "unknownTaskWindows",
                        "modelFallbacks",
                        "modelForecasts",
                        "sequenceHighWindows",
                        "sequenceCallsScored",
                        "sequenceCallsUnscored",
                        "duplicateInvocations");
    }

    @Test
    void everyJobMetricInTheRulesAndTheirTestsExists() throws IOException {
        Set<String> registered = new TreeSet<>(jobMetricNames());
        registered.addAll(STATEFUN_RUNTIME_OWN);
        List<Path> files = new java.util.ArrayList<>(PrometheusFiles.rules());
        files.addAll(PrometheusFiles.ruleTests());
        for (Path file : files) {
            Matcher m = FLINK_OPERATOR_METRIC.matcher(Files.readString(file));
            while (m.find()) {
                assertThat(registered)
                        .as(
                                file.getFileName()
                                        + " uses "
                                        + m.group()
                                        + "; the job registers "
                                        + registered)
                        .contains(m.group(1));
            }
        }
    }

    @Test
    void everyMetricInTheRulesAndTheirTestsExists() throws IOException {
        Set<String> exposed = exposedNames();
        List<Path> files = new java.util.ArrayList<>(PrometheusFiles.rules());
        files.addAll(PrometheusFiles.ruleTests());
        assertThat(PrometheusFiles.rules()).isNotEmpty();
        for (Path file : files) {
            Matcher m = AUGUR_METRIC.matcher(Files.readString(file));
            while (m.find()) {
                if (NOT_METRICS.contains(m.group())) {
                    continue;
                }
                assertThat(exposed)
                        .as(
                                file.getFileName()
                                        + " uses "
                                        + m.group()
                                        + "; Augur exports "
                                        + exposed)
                        .contains(m.group());
            }
        }
    }

    @Test
    void selectorsNameOnlyAugurMetricsOrPrometheusOwn() throws IOException {
        Pattern expr = Pattern.compile("expr:((?:.|\\n)*?)\\n\\s*(?:for|labels):");
        Pattern selector = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
        for (Path file : PrometheusFiles.rules()) {
            Matcher e = expr.matcher(Files.readString(file));
            int exprs = 0;
            while (e.find()) {
                exprs++;
                Matcher name = selector.matcher(e.group(1));
                while (name.find()) {
                    String metric = name.group(1);
                    if (!metric.startsWith("augur_") && !metric.startsWith(FLINK_OPERATOR)) {
                        assertThat(PROMETHEUS_OWN).as(metric + " in " + file).contains(metric);
                    }
                }
            }
            assertThat(exprs).as("rules in " + file).isPositive();
        }
    }
}
