package io.augur.functions.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.functions.allocation.Allocation;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.launch.AugurHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PolicyLoaderTest {

    static Path shippedPolicies() {
        return AugurHome.resolve().resolve("deploy").resolve("policies");
    }

    private static List<String> problems(String yaml) {
        try {
            PolicyLoader.parse(yaml, "p.yaml");
        } catch (PolicyException e) {
            return e.problems();
        }
        throw new AssertionError("expected the policy to be rejected:\n" + yaml);
    }

    @Test
    void everyPolicyShippedInTheRepoLoads() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(shippedPolicies())) {
            files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("default.yaml");
        for (Path file : files) {
            Policy p = PolicyLoader.load(file);
            assertThat(p.version()).as(file.toString()).isNotBlank();
        }
    }

    @Test
    void theShippedDefaultPolicyIsExactlyTheSpecificationsValues() throws Exception {
        Policy p = PolicyLoader.load(shippedPolicies().resolve("default.yaml"));

        assertThat(p.allocation()).isEqualTo(AllocationSettings.DEFAULTS);
        assertThat(p.sandbox()).isEqualTo(io.augur.functions.sandbox.SandboxSettings.DEFAULTS);
        assertThat(p.feedback()).isEqualTo(io.augur.functions.feedback.FeedbackSettings.DEFAULTS);
        assertThat(p.reputation())
                .isEqualTo(io.augur.functions.allocation.ReputationSettings.DEFAULTS);
        assertThat(p.quarantine())
                .isEqualTo(io.augur.functions.quarantine.QuarantineSettings.DEFAULTS);
        assertThat(p.mode()).isEqualTo(PolicyMode.ENFORCE);
        assertThat(p.version()).isEqualTo("default-1");
        assertThat(p.networkAllowLists())
                .isEqualTo(io.augur.functions.sandbox.NetworkAllowLists.DEFAULTS);
    }

    @Test
    void networkAllowListsAreReadAndEveryBadEntryHasItsLine() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        String.join(
                                "\n",
                                "version: nets",
                                "allocation:",
                                "  restricted:",
                                "    network-allow-list: []",
                                "sandbox:",
                                "  medium:",
                                "    network-allow-list:",
                                "      - 10.0.0.0/8",
                                "      - 192.168.1.7:443",
                                "  high:",
                                "    split:",
                                "      network-allow-list: ~",
                                ""),
                        "nets.yaml");
        assertThat(p.networkAllowLists().restricted()).isEmpty();
        assertThat(p.networkAllowLists().sandboxMedium())
                .containsExactly("10.0.0.0/8", "192.168.1.7/32:443");
        assertThat(p.networkAllowLists().split()).isNull();

        assertThat(
                        problems(
                                String.join(
                                        "\n",
                                        "version: bad",
                                        "allocation:",
                                        "  restricted:",
                                        "    network-allow-list: 10.0.0.1",
                                        "sandbox:",
                                        "  medium:",
                                        "    network-allow-list:",
                                        "      - 10.0.0.1",
                                        "      - kafka:9092",
                                        "      - 10.0.0.1/8",
                                        "  high:",
                                        "    split:",
                                        "      network-allow-list: [10.0.0.0/33]",
                                        "")))
                .satisfiesExactlyInAnyOrder(
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "p.yaml:4: allocation.restricted.network-allow-list must be a list"),
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "p.yaml:9: sandbox.medium.network-allow-list: bad destination 'kafka:9092'"),
                        m -> assertThat(m).startsWith("p.yaml:10: ").contains("host bits set"),
                        m ->
                                assertThat(m)
                                        .startsWith(
                                                "p.yaml:13: sandbox.high.split.network-allow-list: ")
                                        .contains("0..32"));
    }

    @Test
    void theSandboxSectionIsReadAndEveryProblemInItHasItsLine() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        String.join(
                                "\n",
                                "version: s-1",
                                "sandbox:",
                                "  low: {monitoring-interval-ms: 100}",
                                "  medium: {cpu-factor: 0.25, network: limited,"
                                        + " network-bandwidth: 256KiB, profile: monitored}",
                                "  high:",
                                "    boundary-shifting: false",
                                "    split: {cpu-cores: 0.2, memory: 64MiB, pids-max: 8}",
                                "  calm-windows-to-relax: 5"),
                        "p.yaml");
        io.augur.functions.sandbox.SandboxSettings s = p.sandbox();
        assertThat(s.lowMonitoringIntervalMs()).isEqualTo(100);
        assertThat(s.mediumCpuFactor()).isEqualTo(0.25);
        assertThat(s.mediumMemoryFactor()).isEqualTo(0.5);
        assertThat(s.mediumNetwork())
                .isEqualTo(io.augur.functions.sandbox.SandboxSettings.NetworkRestriction.LIMITED);
        assertThat(s.mediumNetworkBandwidthBps()).isEqualTo(256 * 1024);
        assertThat(s.restrictedProfile()).isEqualTo("monitored");
        assertThat(s.boundaryShifting()).isFalse();
        assertThat(s.splitCpuCores()).isEqualTo(0.2);
        assertThat(s.splitMemoryBytes()).isEqualTo(64 * Allocation.MIB);
        assertThat(s.splitPidsMax()).isEqualTo(8);
        assertThat(s.calmWindowsToRelax()).isEqualTo(5);

        assertThat(
                        problems(
                                String.join(
                                        "\n",
                                        "version: s-2", // 1
                                        "sandbox:", // 2
                                        "  medium:", // 3
                                        "    cpu-factor: 0", // 4
                                        "    network: sometimes", // 5
                                        "    profile: paranoid", // 6
                                        "  high:", // 7
                                        "    split: {memory: 1MiB}", // 8
                                        "    splitt: {}"))) // 9
                .containsExactly(
                        "p.yaml:4: sandbox.medium.cpu-factor must be in (0, 1], got 0",
                        "p.yaml:5: sandbox.medium.network must be 'off' or 'limited', got"
                                + " 'sometimes'",
                        "p.yaml:6: sandbox.medium.profile must be one of default, monitored,"
                                + " restricted (the actuator's profiles), got 'paranoid'",
                        "p.yaml:9: unknown key 'splitt' in sandbox.high (known:"
                                + " boundary-shifting, split)",
                        "p.yaml:8: sandbox.high.split.memory must be at least 16MiB (the"
                                + " enforcer refuses less), got 1048576");
    }

    @Test
    void theFeedbackKeysAreReadAndEveryProblemInThemHasItsLine() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        String.join(
                                "\n",
                                "version: f-1",
                                "allocation:",
                                "  headroom: 0.1",
                                "  headroom-min: 0.1",
                                "  headroom-max: 0.3",
                                "  headroom-step: 0.02",
                                "  headroom-raise-at: 0.95",
                                "  headroom-lower-below: 0.3",
                                "  headroom-lower-after: 5",
                                "acks: {max-retries: 0, retry-backoff-ms: 250}",
                                "reputation: {anomaly-high-weight: 2, anomaly-medium-weight: 1}"),
                        "p.yaml");
        assertThat(p.feedback())
                .isEqualTo(
                        new io.augur.functions.feedback.FeedbackSettings(
                                0.1, 0.3, 0.02, 0.95, 0.3, 5, 0, 250));
        assertThat(p.reputation().anomalyHighWeight()).isEqualTo(2.0);
        assertThat(p.reputation().anomalyMediumWeight()).isEqualTo(1.0);

        assertThat(
                        problems(
                                String.join(
                                        "\n",
                                        "version: f-2", // 1
                                        "allocation:", // 2
                                        "  headroom: 0.6", // 3
                                        "  headroom-step: 0", // 4
                                        "  headroom-raise-at: 0.5", // 5
                                        "  headroom-lower-below: 0.5", // 6
                                        "acks:", // 7
                                        "  max-retries: -1", // 8
                                        "  retry-backof-ms: 10", // 9
                                        "reputation: {anomaly-medium-weight: 2}"))) // 10
                .containsExactlyInAnyOrder(
                        "p.yaml:9: unknown key 'retry-backof-ms' in acks (known: max-retries,"
                                + " retry-backoff-ms)",
                        "p.yaml:4: allocation.headroom-step must be > 0, got 0",
                        "p.yaml:3: allocation.headroom 0.6 (where tuning starts) must be within"
                                + " [headroom-min 0.05, headroom-max 0.5]",
                        "p.yaml:6: allocation.headroom-lower-below 0.5 must be below"
                                + " allocation.headroom-raise-at 0.5",
                        "p.yaml:8: acks.max-retries must be >= 0, got -1",
                        "p.yaml:10: reputation.anomaly-medium-weight 2.0 must not be above"
                                + " reputation.anomaly-high-weight 1.0");
    }

    @Test
    void keysLeftOutTakeTheDefaultsAndGivenOnesWin() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        String.join(
                                "\n",
                                "version: mine-7",
                                "mode: monitor",
                                "risk: {high-threshold: 0.8}",
                                "allocation:",
                                "  restricted: {memory: 256MiB}",
                                "  headroom: 0.5",
                                "trust:",
                                "  calm-assessments-to-recover: 5"),
                        "p.yaml");

        AllocationSettings d = AllocationSettings.DEFAULTS;
        assertThat(p.version()).isEqualTo("mine-7");
        assertThat(p.monitorOnly()).isTrue();
        assertThat(p.allocation().highThreshold()).isEqualTo(0.8);
        assertThat(p.allocation().mediumThreshold()).isEqualTo(d.mediumThreshold());
        assertThat(p.allocation().restricted())
                .isEqualTo(new Allocation(1.0, 256 * Allocation.MIB, false));
        assertThat(p.allocation().headroom()).isEqualTo(0.5);
        assertThat(p.allocation().throttleFactor()).isEqualTo(d.throttleFactor());
        assertThat(p.allocation().calmAssessmentsToRecover()).isEqualTo(5);
        assertThat(p.allocation().defaultAllocation()).isEqualTo(d.defaultAllocation());
    }

    @Test
    void theThrottledSaturationIsReadAndMustBePositive() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        String.join(
                                "\n", "version: t-1", "allocation:", "  throttled-saturation: 0.2"),
                        "p.yaml");
        assertThat(p.allocation().throttledSaturation()).isEqualTo(0.2);

        assertThat(
                        problems(
                                String.join(
                                        "\n",
                                        "version: t-1",
                                        "allocation:",
                                        "  throttled-saturation: 0")))
                .containsExactly("p.yaml:3: allocation.throttled-saturation must be > 0, got 0");
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsLine() {
        List<String> problems =
                problems(
                        String.join(
                                "\n",
                                "version: broken-1", // 1
                                "mode: enforcing", // 2
                                "risk:", // 3
                                "  high-threshold: 1.5", // 4
                                "  medium-treshold: 0.3", // 5: a typo
                                "allocation:", // 6
                                "  headroom: lots", // 7
                                "  min-memory: 12 MB", // 8
                                "  restricted:", // 9
                                "    network: maybe", // 10
                                "monitoring:", // 11
                                "  base-interval-ms: 0")); // 12

        assertThat(problems)
                .containsExactly(
                        "p.yaml:2: mode must be 'enforce' or 'monitor', got 'enforcing'",
                        "p.yaml:5: unknown key 'medium-treshold' in risk (known:"
                                + " critical-threshold, high-threshold, medium-threshold)",
                        "p.yaml:4: risk.high-threshold must be in [0, 1], got 1.5",
                        "p.yaml:10: allocation.restricted.network must be true or false, got"
                                + " 'maybe'",
                        "p.yaml:7: allocation.headroom must be a number, got 'lots'",
                        "p.yaml:8: allocation.min-memory must be a size in bytes, or with a unit"
                                + " KiB, MiB, GiB or TiB (e.g. 512MiB), got '12 MB'",
                        "p.yaml:12: monitoring.base-interval-ms must be >= 1, got 0");
    }

    @Test
    void thresholdsInTheWrongOrderPointAtTheMediumOne() {
        assertThat(
                        problems(
                                "version: x\nrisk:\n  high-threshold: 0.3\n  medium-threshold:"
                                        + " 0.5\n"))
                .containsExactly(
                        "p.yaml:4: risk.medium-threshold 0.5 must not be above"
                                + " risk.high-threshold 0.3");
    }

    @Test
    void theCriticalThresholdAndTheQuarantineTime() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        "version: q\nrisk: {critical-threshold: 0.95}\nquarantine:"
                                + " {terminate-after-ms: 0}\n",
                        "p.yaml");
        assertThat(p.allocation().criticalThreshold()).isEqualTo(0.95);
        assertThat(p.allocation().terminateAfterMs()).isZero();
        assertThat(problems("version: q\nrisk:\n  critical-threshold: 0.6\n"))
                .containsExactly(
                        "p.yaml:3: risk.high-threshold 0.7 must not be above"
                                + " risk.critical-threshold 0.6");
    }

    @Test
    void theQuarantineVerdictKeysAreReadAndAReleaseAtHighTrustIsRefused() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        "version: q\nquarantine:\n  release-trust: low\n  release: {cpu-cores:"
                                + " 0.5, memory: 256MiB, network: off}\n  on-true-positive:"
                                + " keep\n",
                        "p.yaml");
        assertThat(p.quarantine())
                .isEqualTo(
                        new io.augur.functions.quarantine.QuarantineSettings(
                                io.augur.schema.TrustLevel.LOW,
                                new io.augur.functions.allocation.Allocation(
                                        0.5, 256L << 20, false),
                                io.augur.functions.quarantine.QuarantineSettings.OnTruePositive
                                        .KEEP));
        assertThat(
                        problems(
                                "version: q\nquarantine:\n  release-trust: HIGH\n"
                                        + "  on-true-positive: later\n"))
                .containsExactly(
                        "p.yaml:3: quarantine.release-trust must be LOW or MEDIUM, not HIGH: trust"
                                + " recovers one level at a time, never in one step",
                        "p.yaml:4: quarantine.on-true-positive must be TERMINATE or KEEP, got"
                                + " 'later'");
    }

    @Test
    void aKeyGivenTwiceNamesBothLines() {
        assertThat(problems("version: a\nrisk:\n  high-threshold: 0.8\n  high-threshold: 0.9\n"))
                .containsExactly(
                        "p.yaml:4: 'high-threshold' is given twice in risk (first on line 3)");
    }

    @Test
    void emptyMissingVersionNotAMappingAndBadYamlAreClearErrors() {
        assertThat(problems(""))
                .containsExactly("p.yaml:1: the policy is empty (it needs at least 'version')");
        assertThat(problems("mode: monitor\n"))
                .containsExactly(
                        "p.yaml:1: 'version' is missing: name this policy (e.g. version:"
                                + " default-1)");
        assertThat(problems("- just\n- a list\n"))
                .containsExactly("p.yaml:1: the policy must be a mapping of keys to values");
        assertThat(problems("version: a\nrisk: [0.7, 0.4]\n"))
                .containsExactly("p.yaml:2: risk must be a mapping of keys to values");
        assertThat(problems("version: a\nrisk:\n  high-threshold: 0.7\n bad-indent: 1\n"))
                .singleElement()
                .asString()
                .startsWith("p.yaml:4: not valid YAML:");
    }

    @Test
    void sizesTakeBinaryUnitsOrBytes() throws Exception {
        Policy p =
                PolicyLoader.parse(
                        "version: s\nallocation:\n  min-memory: 1048576\n  default: {memory:"
                                + " 1.5GiB}\n",
                        "p.yaml");
        assertThat(p.allocation().minMemoryBytes()).isEqualTo(1L << 20);
        assertThat(p.allocation().defaultAllocation().memoryBytes()).isEqualTo(3L << 29);
        assertThat(problems("version: s\nallocation:\n  min-memory: 0.5\n"))
                .containsExactly(
                        "p.yaml:3: allocation.min-memory must be a whole, positive number of bytes,"
                                + " got '0.5'");
    }

    @Test
    void aMissingFileIsAnIoErrorNotAPolicyProblem() {
        assertThatThrownBy(() -> PolicyLoader.load(Path.of("/nonexistent/policy.yaml")))
                .isInstanceOf(java.io.IOException.class);
    }
}
