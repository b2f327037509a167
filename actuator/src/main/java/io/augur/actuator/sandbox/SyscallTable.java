package io.augur.actuator.sandbox;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * x86_64 system call numbers of the calls a sandbox profile may name (from Linux's {@code
 * asm/unistd_64.h}; {@code SyscallTableTest} checks them against the header where it is installed).
 * A profile naming a call not listed here is refused: add it here first.
 */
public final class SyscallTable {
    private static final Map<String, Integer> X86_64 =
            Map.ofEntries(
                    Map.entry("getpid", 39),
                    Map.entry("socket", 41),
                    Map.entry("connect", 42),
                    Map.entry("accept", 43),
                    Map.entry("sendmsg", 46),
                    Map.entry("bind", 49),
                    Map.entry("listen", 50),
                    Map.entry("socketpair", 53),
                    Map.entry("clone", 56),
                    Map.entry("fork", 57),
                    Map.entry("vfork", 58),
                    Map.entry("execve", 59),
                    Map.entry("kill", 62),
                    Map.entry("ptrace", 101),
                    Map.entry("syslog", 103),
                    Map.entry("uselib", 134),
                    Map.entry("personality", 135),
                    Map.entry("ustat", 136),
                    Map.entry("sysfs", 139),
                    Map.entry("vhangup", 153),
                    Map.entry("modify_ldt", 154),
                    Map.entry("pivot_root", 155),
                    Map.entry("_sysctl", 156),
                    Map.entry("prctl", 157),
                    Map.entry("adjtimex", 159),
                    Map.entry("chroot", 161),
                    Map.entry("acct", 163),
                    Map.entry("settimeofday", 164),
                    Map.entry("mount", 165),
                    Map.entry("umount2", 166),
                    Map.entry("swapon", 167),
                    Map.entry("swapoff", 168),
                    Map.entry("reboot", 169),
                    Map.entry("sethostname", 170),
                    Map.entry("setdomainname", 171),
                    Map.entry("iopl", 172),
                    Map.entry("ioperm", 173),
                    Map.entry("create_module", 174),
                    Map.entry("init_module", 175),
                    Map.entry("delete_module", 176),
                    Map.entry("get_kernel_syms", 177),
                    Map.entry("query_module", 178),
                    Map.entry("quotactl", 179),
                    Map.entry("nfsservctl", 180),
                    Map.entry("tkill", 200),
                    Map.entry("lookup_dcookie", 212),
                    Map.entry("clock_settime", 227),
                    Map.entry("tgkill", 234),
                    Map.entry("kexec_load", 246),
                    Map.entry("add_key", 248),
                    Map.entry("request_key", 249),
                    Map.entry("keyctl", 250),
                    Map.entry("unshare", 272),
                    Map.entry("accept4", 288),
                    Map.entry("perf_event_open", 298),
                    Map.entry("fanotify_init", 300),
                    Map.entry("name_to_handle_at", 303),
                    Map.entry("open_by_handle_at", 304),
                    Map.entry("clock_adjtime", 305),
                    Map.entry("setns", 308),
                    Map.entry("process_vm_readv", 310),
                    Map.entry("process_vm_writev", 311),
                    Map.entry("kcmp", 312),
                    Map.entry("finit_module", 313),
                    Map.entry("seccomp", 317),
                    Map.entry("memfd_create", 319),
                    Map.entry("kexec_file_load", 320),
                    Map.entry("bpf", 321),
                    Map.entry("execveat", 322),
                    Map.entry("userfaultfd", 323),
                    Map.entry("io_uring_setup", 425),
                    Map.entry("io_uring_enter", 426),
                    Map.entry("io_uring_register", 427),
                    Map.entry("open_tree", 428),
                    Map.entry("move_mount", 429),
                    Map.entry("fsopen", 430),
                    Map.entry("fsconfig", 431),
                    Map.entry("fsmount", 432),
                    Map.entry("fspick", 433),
                    Map.entry("clone3", 435),
                    Map.entry("pidfd_getfd", 438),
                    Map.entry("mount_setattr", 442));

    private SyscallTable() {}

    /** The call's number on x86_64, if this table knows it. */
    public static Optional<Integer> number(String name) {
        return Optional.ofNullable(X86_64.get(name));
    }

    /** Every name known, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(X86_64.keySet());
    }
}
