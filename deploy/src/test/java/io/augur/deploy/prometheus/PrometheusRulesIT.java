package io.augur.deploy.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs Prometheus's own {@code promtool} on the shipped configuration: the rules parse, the config
 * is valid, and every alert fires and stays quiet exactly where its unit test in {@code
 * deploy/prometheus/tests} says. Fails (never skips) when promtool is missing.
 */
class PrometheusRulesIT {

    @Test
    void rulesAreValid() throws Exception {
        List<String> args = new ArrayList<>(List.of("check", "rules"));
        PrometheusFiles.rules().forEach(p -> args.add(p.toString()));
        promtool(args);
    }

    @Test
    void configIsValid() throws Exception {
        promtool(List.of("check", "config", PrometheusFiles.config().toString()));
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsTestSays() throws Exception {
        List<Path> tests = PrometheusFiles.ruleTests();
        assertThat(tests).hasSizeGreaterThanOrEqualTo(6);
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        tests.forEach(p -> args.add(p.toString()));
        String out = promtool(args);
        assertThat(out).doesNotContain("FAILED");
    }

    /**
     * Every query of the Grafana dashboard is valid PromQL: promtool checks them as recording rules
     * (it has no other offline parser).
     */
    @Test
    void dashboardQueriesAreValidPromQl(@TempDir Path dir) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (GrafanaDashboard.Query q : GrafanaDashboard.shipped().queries()) {
            rules.append("      - record: dashboard_query_")
                    .append(i++)
                    .append("\n        expr: '")
                    .append(q.promql().replace("'", "''"))
                    .append("'\n");
        }
        Path file = dir.resolve("dashboard.rules.yml");
        Files.writeString(file, rules);
        String out = promtool(List.of("check", "rules", file.toString()));
        assertThat(out).contains("SUCCESS: " + i + " rules found");
    }

    private static String promtool(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("promtool");
        command.addAll(args);
        Process p;
        try {
            // From the rules' directory: the tests name their rule files relative to it.
            p =
                    new ProcessBuilder(command)
                            .directory(PrometheusFiles.dir().toFile())
                            .redirectErrorStream(true)
                            .start();
        } catch (IOException e) {
            return fail(
                    "promtool is not installed (Debian package `prometheus`): `./augur test`"
                            + " installs it, or run `apt-get install prometheus`. ("
                            + e.getMessage()
                            + ")");
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool " + args + " did not finish:\n" + out);
        }
        assertThat(p.exitValue()).as("promtool " + args + ":\n" + out).isZero();
        return out;
    }
}
