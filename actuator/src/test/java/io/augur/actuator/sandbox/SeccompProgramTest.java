package io.augur.actuator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeccompProgramTest {
    static final int ALLOW = SeccompProgram.SECCOMP_RET_ALLOW;
    static final int EPERM = SeccompProgram.SECCOMP_RET_ERRNO | 1;
    static final int KILL = SeccompProgram.SECCOMP_RET_KILL_PROCESS;
    static final int X86_64 = SeccompProgram.AUDIT_ARCH_X86_64;
    static final int I386 = 0x40000003;

    @Test
    void checksTheArchitectureThenTheNumberThenDeniesInAscendingOrder() {
        SeccompProgram p =
                SeccompProgram.denying(
                        Map.of(
                                "unshare",
                                DenyAction.ERRNO_EPERM,
                                "ptrace",
                                DenyAction.ERRNO_EPERM));
        List<SeccompProgram.Instruction> in = p.instructions();
        assertThat(in)
                .containsExactly(
                        new SeccompProgram.Instruction(0x20, 0, 0, 4),
                        new SeccompProgram.Instruction(0x15, 1, 0, X86_64),
                        new SeccompProgram.Instruction(0x06, 0, 0, KILL),
                        new SeccompProgram.Instruction(0x20, 0, 0, 0),
                        // x32 bit: to the KILL return at index 9
                        new SeccompProgram.Instruction(0x35, 4, 0, 0x40000000),
                        // ptrace (101) and unshare (272) jump to the EPERM return at index 8
                        new SeccompProgram.Instruction(0x15, 2, 0, 101),
                        new SeccompProgram.Instruction(0x15, 1, 0, 272),
                        new SeccompProgram.Instruction(0x06, 0, 0, ALLOW),
                        new SeccompProgram.Instruction(0x06, 0, 0, EPERM),
                        new SeccompProgram.Instruction(0x06, 0, 0, KILL));
    }

    @Test
    void eachDeniedCallGetsItsActionAndEverythingElseIsAllowed() {
        Map<String, DenyAction> deny = new LinkedHashMap<>();
        deny.put("mount", DenyAction.ERRNO_EPERM);
        deny.put("kexec_load", DenyAction.KILL_PROCESS);
        deny.put("bpf", DenyAction.ERRNO_EPERM);
        SeccompProgram p = SeccompProgram.denying(deny);
        assertThat(p.evaluate(X86_64, 165)).isEqualTo(EPERM); // mount
        assertThat(p.evaluate(X86_64, 321)).isEqualTo(EPERM); // bpf
        assertThat(p.evaluate(X86_64, 246)).isEqualTo(KILL); // kexec_load
        assertThat(p.evaluate(X86_64, 0)).isEqualTo(ALLOW); // read
        assertThat(p.evaluate(X86_64, 59)).isEqualTo(ALLOW); // execve
        assertThat(p.evaluate(X86_64, 0x40000000 | 165)).isEqualTo(KILL); // x32 mount
        assertThat(p.evaluate(I386, 1)).isEqualTo(KILL); // another ABI
    }

    @Test
    void jumpOffsetsStayInsideTheProgram() {
        Map<String, DenyAction> all = new LinkedHashMap<>();
        SyscallTable.names()
                .forEach(
                        n ->
                                all.put(
                                        n,
                                        n.startsWith("k")
                                                ? DenyAction.KILL_PROCESS
                                                : DenyAction.ERRNO_EPERM));
        SeccompProgram p = SeccompProgram.denying(all);
        List<SeccompProgram.Instruction> in = p.instructions();
        for (int i = 0; i < in.size(); i++) {
            SeccompProgram.Instruction x = in.get(i);
            if (x.code() != 0x06) {
                assertThat(i + 1 + x.jt()).isLessThan(in.size());
                assertThat(i + 1 + x.jf()).isLessThan(in.size());
            }
        }
        assertThat(in.get(in.size() - 1).k()).isEqualTo(KILL);
        assertThat(p.denied()).hasSize(SyscallTable.names().size());
    }

    @Test
    void bytesAreTheKernelsSockFilterArray() {
        SeccompProgram p = SeccompProgram.denying(Map.of("ptrace", DenyAction.ERRNO_EPERM));
        byte[] b = p.bytes();
        assertThat(b).hasSize(8 * p.instructions().size());
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buf.getShort(8)).isEqualTo((short) 0x15);
        assertThat(buf.get(10)).isEqualTo((byte) 1);
        assertThat(buf.get(11)).isEqualTo((byte) 0);
        assertThat(buf.getInt(12)).isEqualTo(X86_64);
    }

    @Test
    void anEmptyListAllowsEverythingOnX86_64Only() {
        SeccompProgram p = SeccompProgram.denying(Map.of());
        assertThat(p.evaluate(X86_64, 272)).isEqualTo(ALLOW);
        assertThat(p.evaluate(I386, 272)).isEqualTo(KILL);
    }

    @Test
    void anUnknownNameIsAClearError() {
        assertThatThrownBy(
                        () -> SeccompProgram.denying(Map.of("frobnicate", DenyAction.ERRNO_EPERM)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown system call 'frobnicate'")
                .hasMessageContaining("ptrace");
    }
}
