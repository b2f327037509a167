package io.augur.collector.invocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcTaskResolverTest {
    @TempDir Path proc;

    void process(long pid, String cgroup) throws IOException {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(proc.resolve(Long.toString(pid)).resolve("cgroup"), cgroup);
    }

    @Test
    void readsTheProcessCgroupFile() throws IOException {
        process(100, "4:cpu,cpuacct:/augur/t1\n0::/\n");
        process(200, "0::/user.slice\n");
        ProcTaskResolver resolver = new ProcTaskResolver(proc, "augur");
        assertThat(resolver.taskOf(100)).contains("t1");
        assertThat(resolver.taskOf(200)).isEmpty();
        assertThat(resolver.taskOf(300)).isEmpty();
        assertThat(resolver.taskOf(0)).isEmpty();
        assertThat(resolver.taskOf(-1)).isEmpty();
    }

    @Test
    void theRootNameMustBeValid() {
        assertThatThrownBy(() -> new ProcTaskResolver(proc, "../x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
