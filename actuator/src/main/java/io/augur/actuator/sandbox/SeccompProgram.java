package io.augur.actuator.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A classic-BPF seccomp filter for x86_64 that denies a set of system calls and allows the rest.
 * Pure: built from names, rendered as the kernel's {@code struct sock_filter} array (what {@code
 * bwrap --seccomp FD} reads). Layout:
 *
 * <pre>
 *   0  ld  [4]                      seccomp_data.arch
 *   1  jeq AUDIT_ARCH_X86_64 ? 3 : 2
 *   2  ret KILL_PROCESS             another ABI (i386 via int 0x80): its numbers differ
 *   3  ld  [0]                      seccomp_data.nr
 *   4  jge 0x40000000 ? KILL : 5    x32 ABI calls carry this bit and would dodge the list
 *   5… jeq NR_i ? RET(action_i) : next     one per denied call, ascending numbers
 *      ret ALLOW
 *      ret …                        one per action used, then KILL_PROCESS
 * </pre>
 */
public final class SeccompProgram {
    // linux/filter.h, linux/bpf_common.h
    static final int BPF_LD_W_ABS = 0x20;
    static final int BPF_JMP_JEQ_K = 0x15;
    static final int BPF_JMP_JGE_K = 0x35;
    static final int BPF_RET_K = 0x06;
    // linux/seccomp.h, linux/audit.h, errno.h
    static final int SECCOMP_RET_KILL_PROCESS = 0x80000000;
    static final int SECCOMP_RET_ERRNO = 0x00050000;
    static final int SECCOMP_RET_ALLOW = 0x7fff0000;
    static final int SECCOMP_RET_USER_NOTIF = 0x7fc00000;
    static final int EPERM = 1;
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int X32_SYSCALL_BIT = 0x40000000;
    static final int OFFSET_NR = 0;
    static final int OFFSET_ARCH = 4;

    /** One {@code struct sock_filter}: 16-bit code, 8-bit jumps, 32-bit constant. */
    public record Instruction(int code, int jt, int jf, int k) {
        public Instruction {
            if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
                throw new IllegalArgumentException("jump out of range: " + jt + "/" + jf);
            }
        }
    }

    private final Map<Integer, DenyAction> denied;
    private final List<Instruction> instructions;

    private SeccompProgram(Map<Integer, DenyAction> denied, List<Instruction> instructions) {
        this.denied = denied;
        this.instructions = List.copyOf(instructions);
    }

    /**
     * The filter denying each named call with its action.
     *
     * @throws IllegalArgumentException naming a call {@link SyscallTable} does not know, or when
     *     the list is too long for 8-bit jumps
     */
    public static SeccompProgram denying(Map<String, DenyAction> calls) {
        Map<Integer, DenyAction> byNumber = new TreeMap<>();
        for (Map.Entry<String, DenyAction> e : calls.entrySet()) {
            int nr =
                    SyscallTable.number(e.getKey())
                            .orElseThrow(
                                    () ->
                                            new IllegalArgumentException(
                                                    "unknown system call '"
                                                            + e.getKey()
                                                            + "' (x86_64 names known: "
                                                            + String.join(
                                                                    ", ", SyscallTable.names())
                                                            + ")"));
            byNumber.put(nr, e.getValue());
        }
        // Return instructions after the checks: ALLOW, then one per action used, KILL last.
        Set<DenyAction> actions = new LinkedHashSet<>();
        for (DenyAction a : DenyAction.values()) {
            if (a != DenyAction.KILL_PROCESS && byNumber.containsValue(a)) {
                actions.add(a);
            }
        }
        actions.add(DenyAction.KILL_PROCESS);
        int checks = byNumber.size();
        int firstCheck = 5;
        int allowAt = firstCheck + checks;
        Map<DenyAction, Integer> retAt = new TreeMap<>();
        int at = allowAt + 1;
        for (DenyAction a : actions) {
            retAt.put(a, at++);
        }
        if (retAt.get(DenyAction.KILL_PROCESS) - 4 - 1 > 255) {
            throw new IllegalArgumentException(
                    "too many denied calls for one filter: " + checks + " (at most 250)");
        }
        List<Instruction> p = new ArrayList<>();
        p.add(new Instruction(BPF_LD_W_ABS, 0, 0, OFFSET_ARCH));
        p.add(new Instruction(BPF_JMP_JEQ_K, 1, 0, AUDIT_ARCH_X86_64));
        p.add(new Instruction(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS));
        p.add(new Instruction(BPF_LD_W_ABS, 0, 0, OFFSET_NR));
        p.add(
                new Instruction(
                        BPF_JMP_JGE_K,
                        retAt.get(DenyAction.KILL_PROCESS) - 4 - 1,
                        0,
                        X32_SYSCALL_BIT));
        int i = firstCheck;
        for (Map.Entry<Integer, DenyAction> e : byNumber.entrySet()) {
            p.add(new Instruction(BPF_JMP_JEQ_K, retAt.get(e.getValue()) - i - 1, 0, e.getKey()));
            i++;
        }
        p.add(new Instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW));
        for (DenyAction a : actions) {
            p.add(new Instruction(BPF_RET_K, 0, 0, a.returnValue()));
        }
        return new SeccompProgram(byNumber, p);
    }

    public List<Instruction> instructions() {
        return instructions;
    }

    /** Denied call numbers and their actions, ascending. */
    public Map<Integer, DenyAction> denied() {
        return denied;
    }

    /**
     * What the filter returns for a call on x86_64 (an interpreter of this program, for tests and
     * for explaining a profile).
     */
    public int evaluate(int arch, int nr) {
        int acc = 0;
        int pc = 0;
        while (true) {
            Instruction in = instructions.get(pc);
            switch (in.code()) {
                case BPF_LD_W_ABS -> {
                    acc = in.k() == OFFSET_ARCH ? arch : nr;
                    pc++;
                }
                case BPF_JMP_JEQ_K -> pc += 1 + (acc == in.k() ? in.jt() : in.jf());
                case BPF_JMP_JGE_K ->
                        pc += 1 + (Integer.compareUnsigned(acc, in.k()) >= 0 ? in.jt() : in.jf());
                case BPF_RET_K -> {
                    return in.k();
                }
                default -> throw new IllegalStateException("unknown instruction " + in);
            }
        }
    }

    /** The program as the kernel reads it: 8 bytes per instruction, native (little) endian. */
    public byte[] bytes() {
        ByteBuffer b = ByteBuffer.allocate(8 * instructions.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction in : instructions) {
            b.putShort((short) in.code()).put((byte) in.jt()).put((byte) in.jf()).putInt(in.k());
        }
        return b.array();
    }
}
