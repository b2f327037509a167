package io.augur.deploy.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
