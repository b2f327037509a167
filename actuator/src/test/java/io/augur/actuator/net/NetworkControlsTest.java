package io.augur.actuator.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of the network controls: names, destinations, the nft script, the double. */
class NetworkControlsTest {
    @Test
    void namesDeriveFromTheTaskIdAndFitTheKernelsLimit() {
        TaskNetNames n = TaskNetNames.of("a-very-long-task-id-" + "x".repeat(100));
        assertThat(n.hostInterface()).startsWith("av").hasSize(15);
        assertThat(n.peerInterface()).startsWith("aw").hasSize(15);
        assertThat(n.ingressInterface()).startsWith("ai").hasSize(15);
        assertThat(n.namespace()).isEqualTo("augur-task-a-very-long-task-id-" + "x".repeat(100));
        assertThat(TaskNetNames.of("t1")).isEqualTo(TaskNetNames.of("t1"));
        assertThat(TaskNetNames.of("t1").hostInterface())
                .isNotEqualTo(TaskNetNames.of("t2").hostInterface());
        assertThatThrownBy(() -> TaskNetNames.of("../etc"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void destinations() {
        assertThat(Destination.parse("10.0.0.0/8")).isEqualTo(new Destination("10.0.0.0", 8, 0));
        assertThat(Destination.parse("192.0.2.7:443"))
                .isEqualTo(new Destination("192.0.2.7", 32, 443));
        assertThat(Destination.parse("10.231.0.0/16:8080").toString())
                .isEqualTo("10.231.0.0/16:8080");
        assertThatThrownBy(() -> Destination.parse("10.0.0.1/8")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> Destination.parse("10.0.0.1:0")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> Destination.parse("10.0.0.1:99999"))
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> Destination.parse("host:80")).hasMessageContaining("not an IPv4");
    }

    @Test
    void theAllowListScriptReplacesTheTaskTableAndDropsTheRest() {
        TaskNetNames n = TaskNetNames.of("t1");
        String s =
                NetworkFilters.script(
                        n,
                        n.filterTable(),
                        List.of(
                                Destination.parse("10.231.0.0/16:8080"),
                                Destination.parse("10.9.0.0/16")));
        String dev = "iifname \"" + n.hostInterface() + "\"";
        assertThat(s)
                .startsWith(
                        "table inet "
                                + n.filterTable()
                                + "\ndelete table inet "
                                + n.filterTable()
                                + "\n")
                .contains("type filter hook input priority filter; policy accept;")
                .contains("type filter hook forward priority filter; policy accept;")
                .contains(dev + " ct direction reply accept")
                .contains(
                        dev
                                + " ip daddr 10.231.0.0/16 meta l4proto { tcp, udp } th dport 8080 accept"
                                + " comment \"allow 10.231.0.0/16:8080\"")
                .contains(dev + " ip daddr 10.9.0.0/16 accept comment \"allow 10.9.0.0/16\"");
        // The drop comes after every accept, in both chains.
        assertThat(s.split(dev + " drop", -1)).hasSize(3);
        assertThat(s.lastIndexOf(dev + " drop")).isGreaterThan(s.lastIndexOf("accept comment"));
    }

    @Test
    void theInMemoryDoubleKeepsWhatWasAppliedForKnownTasksOnly() {
        InMemoryNetworkEffector e = new InMemoryNetworkEffector();
        assertThatThrownBy(() -> e.read("t1")).hasMessageContaining("has no network");
        e.add("t1");
        assertThat(e.read("t1")).isEqualTo(NetworkPolicy.open());
        NetworkPolicy p =
                NetworkPolicy.off()
                        .withBandwidth(1000)
                        .withAllowList(List.of(Destination.parse("10.0.0.1")));
        e.apply("t1", p);
        assertThat(e.read("t1")).isEqualTo(p);
        assertThatThrownBy(() -> e.apply("t2", p)).isInstanceOf(NetworkCommandException.class);
        assertThatThrownBy(() -> NetworkPolicy.open().withBandwidth(0))
                .hasMessageContaining("positive");
    }

    @Test
    void aMissingToolNamesTheDebianPackage() {
        assertThatThrownBy(() -> SystemCommands.require("no-such-tool-augur", "iproute2"))
                .isInstanceOf(NetworkCommandException.class)
                .hasMessage(
                        "'no-such-tool-augur' is not installed: install Debian's package iproute2"
                                + " (apt-get install iproute2)");
    }

    @Test
    void aFailingCommandIsReportedWithWhatItPrinted() {
        assertThatThrownBy(() -> SystemCommands.check(List.of("sh", "-c", "echo nope >&2; exit 3")))
                .isInstanceOf(NetworkCommandException.class)
                .hasMessage("sh -c echo nope >&2; exit 3 failed (exit 3): nope");
    }

    @Test
    void tbfBurstIsFortyMillisecondsButAtLeastSixteenKib() {
        assertThat(LinuxNetworkEffector.burstBytes(1_000_000)).isEqualTo(40_000);
        assertThat(LinuxNetworkEffector.burstBytes(1_000)).isEqualTo(16 * 1024);
    }
}
