package io.augur.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetworkDestinationTest {

    @Test
    void parsesAddressesNetworksAndPortsAndWritesThemCanonically() {
        assertThat(NetworkDestination.parse("10.231.0.1"))
                .isEqualTo(new NetworkDestination("10.231.0.1", 32, 0));
        assertThat(NetworkDestination.parse(" 10.231.0.0/16:9092 ").toString())
                .isEqualTo("10.231.0.0/16:9092");
        assertThat(NetworkDestination.parse("10.0.0.1:53").toString()).isEqualTo("10.0.0.1/32:53");
        assertThat(NetworkDestination.parse("0.0.0.0/0").cidr()).isEqualTo("0.0.0.0/0");
    }

    @Test
    void everyMistakeIsNamed() {
        assertThatThrownBy(() -> NetworkDestination.parse("kafka:9092"))
                .hasMessageContaining("'kafka:9092'")
                .hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> NetworkDestination.parse("10.0.0.1/8"))
                .hasMessageContaining("host bits set");
        assertThatThrownBy(() -> NetworkDestination.parse("10.0.0.0/33"))
                .hasMessageContaining("0..32");
        assertThatThrownBy(() -> NetworkDestination.parse("10.0.0.1:0"))
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> NetworkDestination.parse("10.0.0.1:70000"))
                .hasMessageContaining("1..65535");
        assertThatThrownBy(() -> NetworkDestination.parse("10.0.0.256"))
                .hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> NetworkDestination.parse("10.0.0.1/x"))
                .hasMessageContaining("bad prefix length");
    }
}
