package io.augur.deploy.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlkioAccountingTest {

    @TempDir Path sysBlock;

    @Test
    void rulesGoOnEveryWholeDiskWithASize() throws Exception {
        disk("vda", "254:0", "536870912");
        disk("sdb", "8:16", "1024");
        disk("loop0", "7:0", "0");
        disk("zram0", "253:0", "0");
        Files.createDirectories(sysBlock.resolve("broken"));
        assertThat(BlkioAccounting.disks(sysBlock)).containsExactly("254:0", "8:16");
        assertThat(BlkioAccounting.disks(sysBlock.resolve("missing"))).isEmpty();
    }

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

    private void disk(String name, String dev, String size) throws Exception {
        Path d = Files.createDirectories(sysBlock.resolve(name));
        Files.writeString(d.resolve("dev"), dev + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }
}
