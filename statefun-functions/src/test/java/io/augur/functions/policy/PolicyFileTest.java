package io.augur.functions.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {

    @TempDir Path dir;

    private static void write(Path file, String text, long second) throws Exception {
        Files.writeString(file, text);
        // Explicit modification times: two writes within the file system's time granularity
        // must still look different.
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(second)));
    }

    @Test
    void aValidChangeTakesEffectAndAnInvalidOneKeepsTheLastValidPolicy() throws Exception {
        Path file = dir.resolve("policy.yaml");
        write(file, "version: one\n", 1);
        PolicyFile policies = PolicyFile.open(file);
        assertThat(policies.get().version()).isEqualTo("one");
        assertThat(policies.refresh()).isEqualTo(PolicyFile.Reload.UNCHANGED);

        write(file, "version: two\nrisk: {high-threshold: 0.9}\n", 2);
        assertThat(policies.refresh()).isEqualTo(PolicyFile.Reload.LOADED);
        assertThat(policies.get().version()).isEqualTo("two");
        assertThat(policies.get().allocation().highThreshold()).isEqualTo(0.9);

        write(file, "version: three\nrisk: {high-threshold: 9}\n", 3);
        assertThat(policies.refresh()).isEqualTo(PolicyFile.Reload.REJECTED);
        assertThat(policies.get().version()).isEqualTo("two");
        assertThat(policies.rejectedReloads()).isEqualTo(1);
        // The same bad file is not reported again on every check.
        assertThat(policies.refresh()).isEqualTo(PolicyFile.Reload.UNCHANGED);

        Files.delete(file);
        assertThat(policies.refresh()).isEqualTo(PolicyFile.Reload.UNCHANGED);
        assertThat(policies.get().version()).isEqualTo("two");
    }

    @Test
    void anInvalidPolicyAtStartIsAnError() throws Exception {
        Path file = dir.resolve("bad.yaml");
        write(file, "mode: monitor\n", 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyFile.open(file))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("'version' is missing");
    }
}
