package io.augur.actuator.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SplitNetworkTest {

    @Test
    void theScriptMatchesEachGroupsSocketsByItsCgroupV2PathAndLevel() {
        Map<String, SplitNetworkPolicy> groups = new TreeMap<>();
        groups.put("split-10", new SplitNetworkPolicy(false, null));
        groups.put(
                "split-20",
                new SplitNetworkPolicy(true, Destinations.parse(List.of("10.231.0.1:9092"))));
        String s =
                LinuxSplitNetworkEffector.script(
                        Map.of("split-10", "augur/t1/split-10", "split-20", "augur/t1/split-20"),
                        groups);
        assertThat(s)
                .startsWith("table inet augur_split\ndelete table inet augur_split\n")
                .contains("type filter hook output priority filter; policy accept;")
                .contains(
                        "socket cgroupv2 level 3 \"augur/t1/split-10\" oifname != \"lo\" drop"
                                + " comment \"split-10 off\"")
                .contains("socket cgroupv2 level 3 \"augur/t1/split-20\" ct direction reply accept")
                .contains(
                        "socket cgroupv2 level 3 \"augur/t1/split-20\" ip daddr 10.231.0.1/32 meta"
                                + " l4proto { tcp, udp } th dport 9092 accept comment \"split-20"
                                + " allow 10.231.0.1/32:9092\"")
                .contains(
                        "socket cgroupv2 level 3 \"augur/t1/split-20\" oifname != \"lo\" drop"
                                + " comment \"split-20 drop\"");
        // No group left: the table is removed.
        assertThat(LinuxSplitNetworkEffector.script(Map.of(), Map.of()))
                .isEqualTo("table inet augur_split\ndelete table inet augur_split\n");
    }

    @Test
    void policiesAreReadBackFromTheRuleComments() {
        String json =
                "{\"nftables\": [{\"metainfo\": {}}, {\"table\": {\"name\": \"augur_split\"}},"
                        + " {\"rule\": {\"chain\": \"output\", \"comment\": \"split-10 off\"}},"
                        + " {\"rule\": {\"chain\": \"output\", \"comment\": \"split-20 reply\"}},"
                        + " {\"rule\": {\"chain\": \"output\", \"comment\": \"split-20 allow"
                        + " 10.231.0.1/32:9092\"}},"
                        + " {\"rule\": {\"chain\": \"output\", \"comment\": \"split-20 drop\"}},"
                        + " {\"rule\": {\"chain\": \"output\", \"comment\": \"split-30 reply\"}},"
                        + " {\"rule\": {\"chain\": \"output\", \"comment\": \"split-30 drop\"}},"
                        + " {\"rule\": {\"chain\": \"output\", \"comment\": \"someone else\"}}]}";
        assertThat(LinuxSplitNetworkEffector.parse(json))
                .containsExactlyEntriesOf(
                        new TreeMap<>(
                                Map.of(
                                        "split-10",
                                        new SplitNetworkPolicy(false, null),
                                        "split-20",
                                        new SplitNetworkPolicy(
                                                true,
                                                List.of(Destination.parse("10.231.0.1:9092"))),
                                        "split-30",
                                        new SplitNetworkPolicy(true, List.of()))));
    }

    @Test
    void theUnifiedHierarchyIsFoundInMountinfoPreferringSysFsCgroup() {
        String hybrid =
                "30 25 0:26 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
                        + "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2"
                        + " cgroup2 rw\n"
                        + "32 30 0:28 / /sys/fs/cgroup/cpu rw shared:11 - cgroup cgroup rw,cpu\n";
        assertThat(LinuxSplitNetworkEffector.cgroup2Mount(hybrid))
                .contains(Path.of("/sys/fs/cgroup/unified"));
        String v2 = "30 25 0:26 / /sys/fs/cgroup rw shared:9 - cgroup2 cgroup2 rw\n";
        assertThat(LinuxSplitNetworkEffector.cgroup2Mount(v2)).contains(Path.of("/sys/fs/cgroup"));
        assertThat(LinuxSplitNetworkEffector.cgroup2Mount(hybrid.lines().findFirst().get()))
                .isEmpty();
        assertThat(new SplitNetworkPolicy(true, null).isTasks()).isTrue();
        assertThat(new SplitNetworkPolicy(true, List.of()).describe())
                .isEqualTo("no destination beyond loopback");
    }
}
