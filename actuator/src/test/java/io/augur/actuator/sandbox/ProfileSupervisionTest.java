package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileSupervisionTest {
    static final SandboxProfiles SHIPPED = SandboxProfiles.shipped();
    static final int X86_64 = SeccompProgram.AUDIT_ARCH_X86_64;
    static final int UNSHARE = SyscallTable.number("unshare").orElseThrow();
    static final int PTRACE = SyscallTable.number("ptrace").orElseThrow();
    static final int REBOOT = SyscallTable.number("reboot").orElseThrow();
    static final int GETPID = SyscallTable.number("getpid").orElseThrow();

    @Test
    void aDefaultTaskSupervisesWhatMonitoredAndRestrictedAddAndNothingElse() {
        ProfileSupervision s = ProfileSupervision.of(SHIPPED, SHIPPED.get("default"));
        int beyond =
                SHIPPED.get("restricted").denied().size() - SHIPPED.get("default").denied().size();
        assertThat(s.needed()).isTrue();
        assertThat(s.supervisedCalls())
                .hasSize(beyond)
                .contains("unshare", "ptrace", "mount", "bpf")
                .doesNotContain("reboot", "kexec_load", "getpid");
        assertThat(s.profiles()).containsExactly("default", "monitored", "restricted");
        assertThat(s.addsToLaunch("default")).isFalse();
        assertThat(s.addsToLaunch("restricted")).isTrue();
    }

    @Test
    void theFilterNotifiesExactlyTheSupervisedCallsAndKeepsTheArchitectureChecks() {
        ProfileSupervision s = ProfileSupervision.of(SHIPPED, SHIPPED.get("default"));
        SeccompProgram f = s.filter();
        // Same layout as a profile's filter: arch check, x32 check, one jeq per call, ALLOW,
        // then USER_NOTIF and KILL_PROCESS returns.
        assertThat(f.instructions()).hasSize(5 + s.supervisedCalls().size() + 3);
        assertThat(f.instructions().get(f.instructions().size() - 2).k())
                .isEqualTo(SeccompProgram.SECCOMP_RET_USER_NOTIF);
        assertThat(f.evaluate(X86_64, UNSHARE)).isEqualTo(SeccompProgram.SECCOMP_RET_USER_NOTIF);
        assertThat(f.evaluate(X86_64, PTRACE)).isEqualTo(SeccompProgram.SECCOMP_RET_USER_NOTIF);
        // The launch filter answers reboot: no round trip to the supervisor.
        assertThat(f.evaluate(X86_64, REBOOT)).isEqualTo(SeccompProgram.SECCOMP_RET_ALLOW);
        assertThat(f.evaluate(X86_64, GETPID)).isEqualTo(SeccompProgram.SECCOMP_RET_ALLOW);
        assertThat(f.evaluate(0x40000003, UNSHARE))
                .isEqualTo(SeccompProgram.SECCOMP_RET_KILL_PROCESS);
        assertThat(f.evaluate(X86_64, UNSHARE | SeccompProgram.X32_SYSCALL_BIT))
                .isEqualTo(SeccompProgram.SECCOMP_RET_KILL_PROCESS);
        assertThat(f.bytes()).hasSize(8 * f.instructions().size());
    }

    @Test
    void theSupervisorAnswersByTheProfileInForceAndFailsClosedOnAnUnknownOne() {
        ProfileSupervision s = ProfileSupervision.of(SHIPPED, SHIPPED.get("default"));
        assertThat(s.answer("default", UNSHARE)).isEmpty();
        assertThat(s.answer("monitored", UNSHARE)).isEmpty();
        assertThat(s.answer("monitored", PTRACE)).contains(DenyAction.ERRNO_EPERM);
        assertThat(s.answer("restricted", UNSHARE)).contains(DenyAction.ERRNO_EPERM);
        assertThat(s.answer("paranoid", UNSHARE)).contains(DenyAction.ERRNO_EPERM);
    }

    @Test
    void theTableListsEveryProfileWithItsCallsBeyondTheLaunchProfile() {
        ProfileSupervision s = ProfileSupervision.of(SHIPPED, SHIPPED.get("monitored"));
        String[] lines = s.table().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("default");
        assertThat(lines[1]).isEqualTo("monitored");
        assertThat(lines[2]).startsWith("restricted ").contains(" " + UNSHARE + ":E");
        assertThat(lines[2]).doesNotContain(" " + PTRACE + ":");
    }

    @Test
    void aKillInAStricterProfileIsSupervisedAsAKill() {
        SandboxProfiles p =
                SandboxProfiles.parse(
                        "{\"profiles\":[{\"name\":\"default\"},{\"name\":\"monitored\"},"
                                + "{\"name\":\"restricted\",\"kill\":[\"ptrace\"]}]}");
        ProfileSupervision s = ProfileSupervision.of(p, p.get("default"));
        assertThat(s.table()).contains("restricted " + PTRACE + ":K");
        assertThat(s.answer("restricted", PTRACE)).isEqualTo(Optional.of(DenyAction.KILL_PROCESS));
    }

    @Test
    void theStrictestLaunchProfileNeedsNoSupervisor() {
        ProfileSupervision s = ProfileSupervision.of(SHIPPED, SHIPPED.get("restricted"));
        assertThat(s.needed()).isFalse();
        assertThat(s.supervisedCalls()).isEmpty();
    }

    @Test
    void aProfileTakingAwayTheShimsOwnCallIsRefused() {
        SandboxProfiles p =
                SandboxProfiles.parse(
                        "{\"profiles\":[{\"name\":\"default\"},{\"name\":\"monitored\"},"
                                + "{\"name\":\"restricted\",\"deny\":[\"sendmsg\"]}]}");
        assertThatThrownBy(() -> ProfileSupervision.of(p, p.get("default")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sendmsg");
    }
}
