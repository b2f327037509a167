package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RecorderTest {

    @Test
    void onlyTheNetworkIsNeverMeasuredWhenEverythingElseIs() {
        assertThat(
                        Recorder.unmeasured(
                                Set.of(
                                        "cpu_cores",
                                        "memory_bytes",
                                        "disk_read_bps",
                                        "disk_write_bps",
                                        "pids")))
                .containsExactly("net_rx_bps", "net_tx_bps");
        assertThat(Recorder.unmeasured(Set.of())).hasSize(7);
    }
}
