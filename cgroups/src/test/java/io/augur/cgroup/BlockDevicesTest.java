package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDevicesTest {
    @TempDir Path sysBlock;

    @Test
    void wholeDisksWithASizeAreListedAndEmptyLoopAndZramDevicesAreNot() throws Exception {
        disk("vda", "254:0", "536870912");
        disk("sdb", "8:16", "1024");
        disk("loop0", "7:0", "0");
        disk("zram0", "253:0", "0");
        Files.createDirectories(sysBlock.resolve("broken"));
        assertThat(BlockDevices.wholeDisks(sysBlock)).containsExactly("254:0", "8:16");
        assertThat(BlockDevices.wholeDisks(sysBlock.resolve("missing"))).isEmpty();
    }

    private void disk(String name, String dev, String size) throws Exception {
        Path d = Files.createDirectories(sysBlock.resolve(name));
        Files.writeString(d.resolve("dev"), dev + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }
}
