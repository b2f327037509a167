package io.augur.actuator;

/**
 * A decision that could not be enforced (no such task group, the kernel refused a value). It
 * becomes a FAILED ack with this message; the enforcer carries on.
 */
public final class EnforcementFailure extends Exception {
    public EnforcementFailure(String message) {
        super(message);
    }

    public EnforcementFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
