package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SandboxProfilesTest {
    static final int X86_64 = SeccompProgram.AUDIT_ARCH_X86_64;
    static final int EPERM = SeccompProgram.SECCOMP_RET_ERRNO | 1;

    @Test
    void theShippedProfilesLoadAndTightenInOrder() {
        SandboxProfiles p = SandboxProfiles.shipped();
        assertThat(p.names()).contains("default", "monitored", "restricted");
        SandboxProfile def = p.get("default");
        SandboxProfile mon = p.get("monitored");
        SandboxProfile res = p.get("restricted");
        assertThat(mon.denied().keySet()).containsAll(def.denied().keySet());
        assertThat(res.denied().keySet()).containsAll(mon.denied().keySet());
        // The calls the issue names for restricted.
        assertThat(res.denied())
                .containsKeys(
                        "ptrace",
                        "mount",
                        "umount2",
                        "kexec_load",
                        "init_module",
                        "bpf",
                        "unshare",
                        "setns",
                        "keyctl",
                        "add_key",
                        "perf_event_open",
                        "personality");
        assertThat(res.denied().get("unshare")).isEqualTo(DenyAction.ERRNO_EPERM);
        assertThat(res.denied().get("kexec_load")).isEqualTo(DenyAction.KILL_PROCESS);
        assertThat(def.denied().get("kexec_load")).isEqualTo(DenyAction.ERRNO_EPERM);
        assertThat(def.denied()).doesNotContainKeys("unshare", "ptrace");
        assertThat(res.program().evaluate(X86_64, 272)).isEqualTo(EPERM);
        assertThat(def.program().evaluate(X86_64, 272)).isEqualTo(SeccompProgram.SECCOMP_RET_ALLOW);
    }

    @Test
    void anUnknownProfileNamesTheKnownOnes() {
        assertThatThrownBy(() -> SandboxProfiles.shipped().get("paranoid"))
                .hasMessageContaining("unknown sandbox profile 'paranoid'")
                .hasMessageContaining("default, monitored, restricted");
    }

    static final String BASE =
            "{\"name\":\"default\",\"deny\":[]},{\"name\":\"monitored\",\"deny\":[]},";

    @Test
    void badFilesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> SandboxProfiles.parse("nope")).hasMessageContaining("not JSON");
        assertThatThrownBy(
                        () ->
                                SandboxProfiles.parse(
                                        "{\"profiles\":["
                                                + BASE
                                                + "{\"name\":\"restricted\",\"deny\":[\"frob\"]}]}"))
                .hasMessageContaining("profile restricted: unknown system call 'frob'");
        assertThatThrownBy(
                        () ->
                                SandboxProfiles.parse(
                                        "{\"profiles\":["
                                                + BASE
                                                + "{\"name\":\"restricted\",\"extends\":\"x\"}]}"))
                .hasMessageContaining("extends unknown profile 'x'");
        assertThatThrownBy(
                        () ->
                                SandboxProfiles.parse(
                                        "{\"profiles\":["
                                                + BASE
                                                + "{\"name\":\"restricted\",\"extends\":\"restricted\"}]}"))
                .hasMessageContaining("cycle");
        assertThatThrownBy(
                        () ->
                                SandboxProfiles.parse(
                                        "{\"profiles\":["
                                                + BASE
                                                + "{\"name\":\"restricted\",\"denny\":[]}]}"))
                .hasMessageContaining("unknown field 'denny'");
        assertThatThrownBy(
                        () ->
                                SandboxProfiles.parse(
                                        "{\"profiles\":[" + BASE + "{\"name\":\"other\"}]}"))
                .hasMessageContaining("profile 'restricted' is missing");
        assertThatThrownBy(
                        () ->
                                SandboxProfiles.parse(
                                        "{\"profiles\":[" + BASE + "{\"name\":\"default\"}]}"))
                .hasMessageContaining("defined twice");
    }

    @Test
    void aListedCallTakesTheNewActionOverAnInheritedOne() {
        SandboxProfiles p =
                SandboxProfiles.parse(
                        "{\"profiles\":[{\"name\":\"default\",\"deny\":[\"bpf\"]},"
                                + "{\"name\":\"monitored\",\"extends\":\"default\",\"kill\":[\"bpf\"]},"
                                + "{\"name\":\"restricted\",\"extends\":\"monitored\"}]}");
        assertThat(p.get("default").denied()).containsEntry("bpf", DenyAction.ERRNO_EPERM);
        assertThat(p.get("restricted").denied()).containsEntry("bpf", DenyAction.KILL_PROCESS);
    }
}
