package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.collector.syscall.SyscallSelection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./augur demo --scenario contention}, end to end through every real component (as DemoIT):
 * a trusted steady task gains the CPU a hostile miner loses on a node pool of 0.8 core. Asserts on
 * the decisions first (they are what the pool decided); the measured CPU only with generous bounds,
 * since the machine's other load decides how much of its limit a task really gets. Needs root.
 */
class ContentionDemoIT {

    @TempDir Path out;

    @Test
    void aTrustedTaskGainsWhatAHostileOneLosesNeverBeyondThePool() throws Exception {
        Demo demo =
                new Demo(
                        new Demo.Options(
                                Duration.ofSeconds(80),
                                out,
                                Duration.ofSeconds(10),
                                false,
                                null,
                                SyscallSelection.NONE,
                                false,
                                Demo.Scenario.CONTENTION),
                        System.out,
                        Clock.systemUTC());
        try {
            demo.run();
        } finally {
            demo.close();
        }

        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode c = report.get("contention");
        assertThat(c).as("the contention section of report.json").isNotNull();
        double capacity = c.get("capacityCores").asDouble();
        assertThat(capacity).isEqualTo(Demo.CONTENTION_CAPACITY_CORES);

        // The miner's limit falls below its launch core...
        assertThat(c.get("hostileFinalCpu").asDouble())
                .as("the miner's final cpu limit")
                .isLessThan(c.get("hostileLaunchCpu").asDouble() - 0.1);
        // ...the trusted task's rises above its launch limit, by cores the pool reclaimed from
        // the miner (named in the decisions' reasons)...
        assertThat(c.get("reclaims").asInt()).as("reclaims from the miner").isPositive();
        assertThat(c.get("reclaimedFromHostileCores").asDouble()).isGreaterThan(0.1);
        String trusted = c.get("trustedTaskId").asText();
        String hostile = c.get("hostileTaskId").asText();
        boolean trustedNamesIt = false;
        boolean hostileNamesIt = false;
        boolean trustedRoseByReclaim = false;
        double trustedLimit = c.get("trustedLaunchCpu").asDouble();
        for (JsonNode step : c.get("steps")) {
            String why = step.get("why").asText();
            if (step.get("taskId").asText().equals(trusted)) {
                if (why.contains("from lower-trust task " + hostile)) {
                    trustedNamesIt = true;
                    assertThat(step.get("trustLevel").asText()).isEqualTo("HIGH");
                    // The decision that took the miner's cores raised the trusted task's limit.
                    trustedRoseByReclaim |= step.get("cpuCores").asDouble() > trustedLimit + 1e-9;
                }
                trustedLimit = step.get("cpuCores").asDouble();
            }
            if (step.get("taskId").asText().equals(hostile)
                    && why.contains("under contention: reclaimed")
                    && why.contains("for task " + trusted + " at trust HIGH")) {
                hostileNamesIt = true;
                assertThat(step.get("action").asText()).isIn("THROTTLE", "RESTRICT");
            }
            // ...and the pool never grants beyond its capacity.
            assertThat(step.get("grantedTotal").asDouble())
                    .as("granted total after %s #%s", step.get("taskId"), step.get("sequence"))
                    .isLessThanOrEqualTo(capacity + 1e-6);
        }
        assertThat(trustedNamesIt).as("a decision of the trusted task names the reclaim").isTrue();
        assertThat(trustedRoseByReclaim)
                .as("a reclaiming decision raised the trusted task's cpu limit")
                .isTrue();
        assertThat(hostileNamesIt).as("a decision of the miner names the reclaim").isTrue();

        for (JsonNode task : report.get("tasks")) {
            assertThat(task.get("duplicatesApplied").asLong()).isZero();
        }
        // Nothing of this run left (other runs' demo roots may exist on a shared machine).
        for (String controller : new String[] {"cpu", "memory", "pids"}) {
            assertThat(Path.of("/sys/fs/cgroup", controller, "augur-demo-" + demo.runId()))
                    .doesNotExist();
        }

        // Measured: the trusted task used more after its first reclaim than under its launch limit
        // (its demand is 0.8 core; it is held at 0.5 at launch). Means over the samples. Only
        // where that comparison says something of Augur (deploy README), else reported as skipped
        // after every assertion on the decisions above has passed:
        // - the machine gave the task most (60 %) of its limit in both periods: on a starved
        //   machine (other load) it used a fraction of any limit, whatever Augur decided;
        // - its limit in effect after the reclaim was at least 0.1 core above its launch limit:
        //   a smaller raise (the policy grants less when the task used less) gains less than the
        //   machine's noise between the two periods.
        JsonNode before = c.get("trustedCpuBefore");
        JsonNode after = c.get("trustedCpuAfter");
        JsonNode limitAfter = c.get("trustedLimitAfter");
        assertThat(before.isNull()).as("samples under the launch limit").isFalse();
        assertThat(after.isNull()).as("samples after the first reclaim").isFalse();
        assertThat(limitAfter.isNull())
                .as("the limits in effect after the first reclaim")
                .isFalse();
        double launch = c.get("trustedLaunchCpu").asDouble();
        assumeTrue(
                before.asDouble() >= 0.6 * launch,
                String.format(
                        java.util.Locale.ROOT,
                        "starved machine: the trusted task used %.2f of its %.2f launch cores",
                        before.asDouble(),
                        launch));
        assumeTrue(
                after.asDouble() >= 0.6 * limitAfter.asDouble(),
                String.format(
                        java.util.Locale.ROOT,
                        "starved machine: after its first reclaim the trusted task used %.2f of"
                                + " %.2f cores",
                        after.asDouble(),
                        limitAfter.asDouble()));
        assumeTrue(
                limitAfter.asDouble() >= launch + 0.1,
                String.format(
                        java.util.Locale.ROOT,
                        "a raise too small to measure: %.2f cores after the reclaim, %.2f at launch",
                        limitAfter.asDouble(),
                        launch));
        assertThat(after.asDouble())
                .as("measured cpu after the first reclaim vs under the launch limit")
                .isGreaterThan(before.asDouble());
    }
}
