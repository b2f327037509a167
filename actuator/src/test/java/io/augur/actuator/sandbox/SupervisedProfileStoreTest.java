package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisedProfileStoreTest {
    @TempDir Path dir;

    @Test
    void aLaunchedTaskStartsUnderItsLaunchProfileAndIsMovedByReplacingTheStateFile()
            throws IOException {
        SandboxProfiles shipped = SandboxProfiles.shipped();
        SupervisedProfileStore store = new SupervisedProfileStore(dir.resolve("seccomp"));
        assertThat(store.supervised("t1")).isFalse();
        assertThat(store.read("t1")).isEmpty();

        store.prepare("t1", ProfileSupervision.of(shipped, shipped.get("default")));
        assertThat(store.supervised("t1")).isTrue();
        assertThat(Files.getPosixFilePermissions(store.dir()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(store.read("t1")).contains(new ProfileInForce("default", "default", false));
        Object before = Files.getAttribute(store.stateFile("t1"), "unix:ino");

        ProfileInForce p = store.apply("t1", "restricted");
        assertThat(p).isEqualTo(new ProfileInForce("default", "restricted", true));
        assertThat(Files.readString(store.stateFile("t1"))).isEqualTo("restricted\n");
        // Another inode: the supervisor notices the change with one stat().
        assertThat(Files.getAttribute(store.stateFile("t1"), "unix:ino")).isNotEqualTo(before);

        assertThatThrownBy(() -> store.apply("t1", "paranoid"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("known: default, monitored, restricted");
        assertThat(store.read("t1").orElseThrow().current()).isEqualTo("restricted");

        store.remove("t1");
        assertThat(store.supervised("t1")).isFalse();
        try (var left = Files.list(store.dir())) {
            assertThat(left).isEmpty();
        }
    }
}
