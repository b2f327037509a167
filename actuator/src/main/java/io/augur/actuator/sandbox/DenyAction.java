package io.augur.actuator.sandbox;

/** What a seccomp filter does with a denied system call. */
public enum DenyAction {
    /** The call fails with {@code EPERM}; the process goes on (it may handle the error). */
    ERRNO_EPERM(SeccompProgram.SECCOMP_RET_ERRNO | SeccompProgram.EPERM),
    /** The whole process is killed (as by SIGSYS, uncatchable); for calls no task may try. */
    KILL_PROCESS(SeccompProgram.SECCOMP_RET_KILL_PROCESS),
    /**
     * The caller waits while the task's supervisor (outside the sandbox) decides: let the call
     * through or fail it, by the profile in force at that moment (see {@link ProfileSupervision}).
     * If the supervisor is gone the call fails with {@code ENOSYS}. Not a profile's action: only
     * the supervision filter uses it.
     */
    NOTIFY_SUPERVISOR(SeccompProgram.SECCOMP_RET_USER_NOTIF);

    private final int returnValue;

    DenyAction(int returnValue) {
        this.returnValue = returnValue;
    }

    /** The filter's return value. */
    public int returnValue() {
        return returnValue;
    }
}
