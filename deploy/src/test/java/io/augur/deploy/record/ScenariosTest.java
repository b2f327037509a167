package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenariosTest {

    @Test
    void theCatalogueHasTheHostileAndBenignBehavioursAsked() {
        Map<String, String> labels =
                Scenarios.ALL.stream().collect(Collectors.toMap(Scenario::name, Scenario::label));
        assertThat(labels)
                .containsEntry("cpu-mining-beacon", "hostile")
                .containsEntry("cpu-burner", "hostile")
                .containsEntry("memory-balloon", "hostile")
                .containsEntry("fork-storm", "hostile")
                .containsEntry("bulk-exfiltration", "hostile")
                .containsEntry("disk-encrypt-rmw", "hostile")
                .containsEntry("bursty-compute", "benign")
                .containsEntry("steady-service", "benign")
                .containsEntry("batch-phases", "benign")
                .containsEntry("idle", "benign");
        assertThat(Scenarios.names()).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z-]+"));
    }

    @Test
    void everyScenarioRunsAMainOfThisModule() throws Exception {
        for (Scenario s : Scenarios.ALL) {
            Method main = Class.forName(s.mainClass()).getMethod("main", String[].class);
            assertThat(Modifier.isStatic(main.getModifiers())).as(s.name()).isTrue();
            assertThat(s.mainClass()).startsWith("io.augur.deploy.workload.");
        }
    }

    @Test
    void theRoleDoesNotGiveTheLabelAway() {
        Set<String> benignRoles =
                Scenarios.ALL.stream()
                        .filter(s -> !s.hostile())
                        .map(Scenario::role)
                        .collect(Collectors.toSet());
        Set<String> hostileRoles =
                Scenarios.ALL.stream()
                        .filter(Scenario::hostile)
                        .map(Scenario::role)
                        .collect(Collectors.toSet());
        assertThat(hostileRoles).isSubsetOf(benignRoles);
    }

    @Test
    void sinkPlaceholdersAreResolved() {
        Scenario mining = Scenarios.byName("cpu-mining-beacon").orElseThrow();
        Map<String, String> endpoints =
                Map.of(Scenario.SINK_UDP, "127.0.0.1:5000", Scenario.SINK_TCP, "127.0.0.1:6000");
        assertThat(mining.args(endpoints)).containsExactly("1", "5", "127.0.0.1:5000");
        assertThat(Scenarios.byName("bulk-exfiltration").orElseThrow().args(endpoints))
                .contains("127.0.0.1:6000");
        for (Scenario s : Scenarios.ALL) {
            assertThat(s.args(endpoints)).noneMatch(a -> a.contains("{"));
        }
    }

    @Test
    void selectKeepsTheOrderGivenAndNamesTheUnknown() {
        assertThat(Scenarios.select("all")).isEqualTo(Scenarios.ALL);
        assertThat(Scenarios.select("idle,cpu-burner,idle"))
                .extracting(Scenario::name)
                .containsExactly("idle", "cpu-burner");
        assertThatThrownBy(() -> Scenarios.select("idle,mine,storm"))
                .hasMessageContaining("unknown scenarios mine, storm")
                .hasMessageContaining("fork-storm");
        assertThatThrownBy(
                        () -> new Scenario("x", "evil", "worker", "", "Main", java.util.List.of()))
                .hasMessageContaining("benign or hostile");
    }
}
