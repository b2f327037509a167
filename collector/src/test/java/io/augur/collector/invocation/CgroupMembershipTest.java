package io.augur.collector.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CgroupMembershipTest {

    @Test
    void v1TaskInEveryController() {
        String text =
                """
                12:pids:/augur/task-7
                11:memory:/augur/task-7
                4:cpu,cpuacct:/augur/task-7
                1:name=systemd:/user.slice/session-3.scope
                0::/
                """;
        assertThat(CgroupMembership.taskOf(text, "augur")).contains("task-7");
    }

    @Test
    void v1TaskInSomeControllersOnly() {
        String text = "4:memory:/process_api/abc\n2:cpuacct:/augur/t1\n1:cpu:/augur/t1\n";
        assertThat(CgroupMembership.taskOf(text, "augur")).contains("t1");
    }

    @Test
    void v2UnifiedLine() {
        assertThat(CgroupMembership.taskOf("0::/augur/batch.42\n", "augur")).contains("batch.42");
    }

    @Test
    void aSubGroupBelongsToItsTask() {
        assertThat(CgroupMembership.taskOf("0::/augur/t1/workers\n", "augur")).contains("t1");
    }

    @Test
    void notUnderTheRoot() {
        assertThat(CgroupMembership.taskOf("0::/user.slice/x\n1:cpu:/\n", "augur")).isEmpty();
        assertThat(CgroupMembership.taskOf("0::/augurx/t1\n", "augur")).isEmpty();
        assertThat(CgroupMembership.taskOf("0::/other/augur/t1\n", "augur")).isEmpty();
        // The root itself is no task.
        assertThat(CgroupMembership.taskOf("0::/augur\n", "augur")).isEmpty();
        assertThat(CgroupMembership.taskOf("0::/augur/\n", "augur")).isEmpty();
        assertThat(CgroupMembership.taskOf("", "augur")).isEmpty();
    }

    @Test
    void invalidIdsAreNoTask() {
        assertThat(CgroupMembership.taskOf("0::/augur/..\n", "augur")).isEmpty();
        assertThat(CgroupMembership.taskOf("0::/augur/.hidden\n", "augur")).isEmpty();
        assertThat(CgroupMembership.taskOf("0::/augur/a b\n", "augur")).isEmpty();
        assertThat(CgroupMembership.taskOf("1:cpu:/augur/ok\n2:memory:/augur/..\n", "augur"))
                .isEmpty();
    }

    @Test
    void twoTasksAtOnceIsNoTask() {
        assertThat(CgroupMembership.taskOf("1:cpu:/augur/a\n2:memory:/augur/b\n", "augur"))
                .isEmpty();
    }

    @Test
    void malformedLinesAreSkipped() {
        assertThat(CgroupMembership.taskOf("garbage\n1:cpu\n1:cpu:/augur/t\n", "augur"))
                .contains("t");
    }
}
