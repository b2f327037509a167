package io.augur.actuator.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationsTest {

    private static List<Destination> list(String... s) {
        return Destinations.parse(List.of(s));
    }

    @Test
    void everyDestinationIsTheIdentity() {
        assertThat(Destinations.intersection(null, null)).isNull();
        assertThat(Destinations.intersection(list("10.0.0.1:80"), null))
                .isEqualTo(list("10.0.0.1:80"));
        assertThat(Destinations.intersection(null, list())).isEmpty();
    }

    @Test
    void theNarrowerBlockAndPortOfEachOverlappingPairRemain() {
        // Launched with a /16 on every port and one host on 443; restricted to a /24 on 8080
        // and the host on any port.
        List<Destination> launch = list("10.231.0.0/16", "192.168.1.7:443");
        List<Destination> decision = list("10.231.5.0/24:8080", "192.168.1.7", "172.16.0.0/12");
        assertThat(Destinations.intersection(launch, decision))
                .containsExactly(
                        Destination.parse("10.231.5.0/24:8080"),
                        Destination.parse("192.168.1.7:443"));
        // Symmetric.
        assertThat(Destinations.intersection(decision, launch))
                .containsExactlyInAnyOrderElementsOf(Destinations.intersection(launch, decision));
    }

    @Test
    void differentPortsOrDisjointBlocksLeaveNothing() {
        assertThat(Destinations.intersection(list("10.0.0.1:80"), list("10.0.0.1:81"))).isEmpty();
        assertThat(Destinations.intersection(list("10.0.0.0/24"), list("10.0.1.0/24"))).isEmpty();
        assertThat(Destinations.intersection(list("10.0.0.0/8"), list())).isEmpty();
    }

    @Test
    void zeroSlashZeroLiftsARestrictionAndBadEntriesNameThemselves() {
        assertThat(Destinations.liftsRestriction(list("10.0.0.1", "0.0.0.0/0"))).isTrue();
        assertThat(Destinations.liftsRestriction(list("0.0.0.0/0:53"))).isFalse();
        assertThat(Destinations.liftsRestriction(null)).isFalse();
        assertThat(Destinations.intersection(list("10.1.2.3:22"), list("0.0.0.0/0")))
                .isEqualTo(list("10.1.2.3:22"));
        assertThatThrownBy(() -> Destinations.parse(List.of("10.0.0.1", "example.com:80")))
                .hasMessageContaining("example.com:80");
        assertThat(Destinations.format(list("10.0.0.0/8:53"))).containsExactly("10.0.0.0/8:53");
    }
}
