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
                .containsEntry("idle", "benign")
                .containsEntry("jvm-service", "benign")
                .containsEntry("jvm-service-hostile", "hostile");
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
    void theJvmScenariosRunUnderTheAgentAndTurnAtAMethodOfTheRecordedPackage() throws Exception {
        Scenario hostile = Scenarios.byName("jvm-service-hostile").orElseThrow();
        Scenario benign = Scenarios.byName("jvm-service").orElseThrow();
        assertThat(benign.underAgent()).isTrue();
        assertThat(benign.hostileFrom()).isNull();
        assertThat(hostile.agentPackages()).isEqualTo(benign.agentPackages());
        assertThat(hostile.args())
                .containsSequence(
                        "--turn-hostile-after", Integer.toString(Scenarios.SHOP_TURN_AFTER_S));
        assertThat(benign.args()).doesNotContain("--turn-hostile-after");
        // The turn names a real method of a class the agent records.
        String[] turn = hostile.hostileFrom().split("#");
        assertThat(turn[0]).startsWith(hostile.agentPackages() + ".");
        assertThat(Class.forName(turn[0]).getDeclaredMethods())
                .extracting(Method::getName)
                .contains(turn[1]);
        // Only the agent scenarios run under it.
        assertThat(Scenarios.ALL.stream().filter(Scenario::underAgent).map(Scenario::name))
                .containsExactlyInAnyOrder("jvm-service", "jvm-service-hostile");
        assertThatThrownBy(
                        () ->
                                new Scenario(
                                        "x",
                                        "benign",
                                        "worker",
                                        "",
                                        "Main",
                                        java.util.List.of(),
                                        "p",
                                        "p.A#b"))
                .hasMessageContaining("only a hostile scenario turns hostile");
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
