package io.augur.deploy.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard parses, is laid out as Grafana needs it, and queries only metrics Augur exports
 * under the names Prometheus sees: a renamed metric must break this test, not leave an empty panel.
 * (That every query is valid PromQL is {@link PrometheusRulesIT}'s, with promtool.)
 */
class GrafanaDashboardTest {

    private static final Pattern AUGUR_METRIC = Pattern.compile("\\baugur_[a-z0-9_]+");
    private static final Pattern FLINK_OPERATOR_METRIC =
            Pattern.compile("\\b" + RuleMetricsTest.FLINK_OPERATOR + "([A-Za-z0-9_]+)");

    /** What is not a metric name: grouping clauses, label matchers, ranges, strings. */
    private static final Pattern NOT_NAMES =
            Pattern.compile(
                    "\\b(?:by|on|without|ignoring|group_left|group_right)\\s*\\([^)]*\\)"
                            + "|\\{[^}]*}|\\[[^]]*]|\"[^\"]*\"");

    /** An identifier not followed by "(" (that is a function). */
    private static final Pattern NAME =
            Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\b(?!\\s*\\()");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless");

    @Test
    void isADashboardGrafanaCanImport() throws IOException {
        GrafanaDashboard dashboard = GrafanaDashboard.shipped();
        JsonNode json = dashboard.json();
        assertThat(json.path("title").asText()).isNotBlank();
        assertThat(json.path("uid").asText()).isEqualTo("augur-loop");
        assertThat(json.path("schemaVersion").asInt()).isPositive();
        assertThat(json.path("templating").path("list").get(0).path("type").asText())
                .as("the Prometheus data source is chosen on import")
                .isEqualTo("datasource");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.panels()) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("unique id: " + title).isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("w").asInt()).as("width of " + title).isBetween(1, 24);
            assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                    .as("fits the 24 columns: " + title)
                    .isLessThanOrEqualTo(24);
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("targets").size()).as("queries of " + title).isPositive();
                assertThat(panel.path("description").asText()).as(title).isNotBlank();
            }
        }
        assertThat(dashboard.queries()).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void queriesOnlyMetricsAugurExports() throws IOException {
        Set<String> exposed = RuleMetricsTest.exposedNames();
        Set<String> job = RuleMetricsTest.jobMetricNames();
        Set<String> used = new HashSet<>();
        for (GrafanaDashboard.Query q : GrafanaDashboard.shipped().queries()) {
            String where = q.panel() + " / " + q.refId() + ": " + q.expr();
            Matcher augur = AUGUR_METRIC.matcher(q.expr());
            while (augur.find()) {
                assertThat(exposed).as(where).contains(augur.group());
                used.add(augur.group());
            }
            Matcher flink = FLINK_OPERATOR_METRIC.matcher(q.expr());
            while (flink.find()) {
                assertThat(job).as(where).contains(flink.group(1));
                used.add(flink.group());
            }
            Matcher any = NAME.matcher(NOT_NAMES.matcher(q.promql()).replaceAll(" "));
            while (any.find()) {
                String name = any.group(1);
                if (KEYWORDS.contains(name)
                        || name.startsWith("augur_")
                        || name.startsWith(RuleMetricsTest.FLINK_OPERATOR)) {
                    continue;
                }
                assertThat(name)
                        .as("a metric neither Augur's nor Prometheus's in " + where)
                        .isEqualTo("up");
            }
        }
        assertThat(used)
                .as("the loop's ends are on the dashboard")
                .contains(
                        "augur_decisions_issued_total",
                        "augur_enforcer_decisions_total",
                        "augur_enforcer_tasks",
                        "augur_collector_samples_emitted_total",
                        "flink_taskmanager_job_task_operator_liveCoverage");
    }
}
