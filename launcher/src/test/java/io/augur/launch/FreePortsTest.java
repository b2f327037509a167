package io.augur.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void aRangeIsConsecutiveFreeAndBelowTheEphemeralPorts() throws Exception {
        int first = FreePorts.range(4);
        assertThat(first).isGreaterThanOrEqualTo(FreePorts.RANGE_FLOOR);
        assertThat(first + 4).isLessThanOrEqualTo(FreePorts.ephemeralLow());
        List<ServerSocket> bound = new ArrayList<>();
        try {
            for (int p = first; p < first + 4; p++) {
                ServerSocket s = new ServerSocket();
                bound.add(s);
                s.bind(new InetSocketAddress(p));
            }
        } finally {
            for (ServerSocket s : bound) {
                s.close();
            }
        }
        assertThat(bound).hasSize(4);
    }

    @Test
    void aRangeWithOneTakenPortIsNotFree() throws Exception {
        int first = FreePorts.range(3);
        assertThat(FreePorts.allFree(first, 3)).isTrue();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(first + 2));
            assertThat(FreePorts.allFree(first, 3)).isFalse();
            assertThat(FreePorts.allFree(first, 2)).isTrue();
        }
    }

    @Test
    void anEmptyRangeIsRefused() {
        assertThatThrownBy(() -> FreePorts.range(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 ports");
    }
}
