package io.augur.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCgroupsDetectTest {

    @Test
    void picksV1WhenCpuIsAV1Hierarchy(@TempDir Path base) {
        FakeKernel.v1(base);
        assertThat(TaskCgroups.detect("augur", base, Clock.systemUTC()).version())
                .isEqualTo(CgroupVersion.V1);
    }

    @Test
    void picksV2OnAUnifiedHierarchy(@TempDir Path base) {
        FakeKernel.v2(base, "cpu memory");
        assertThat(TaskCgroups.detect("augur", base, Clock.systemUTC()).version())
                .isEqualTo(CgroupVersion.V2);
    }

    @Test
    void failsClearlyWhenNeitherIsUsable(@TempDir Path base) {
        assertThatThrownBy(() -> TaskCgroups.detect("augur", base, Clock.systemUTC()))
                .isInstanceOf(CgroupUnavailableException.class)
                .hasMessageContaining("no usable cgroup hierarchy");
    }

    @Test
    void rejectsARootNameThatIsNotAPlainName(@TempDir Path base) {
        FakeKernel.v1(base);
        assertThatThrownBy(() -> TaskCgroups.detect("../x", base, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cgroup root name");
    }
}
