package io.augur.functions.feedback;

import io.augur.schema.AckOutcome;
import io.augur.schema.EnforcementAck;
import io.augur.schema.EnforcementAction;
import io.augur.schema.EnforcementDecision;
import io.augur.schema.TaskEnforcementState;
import io.augur.schema.TrustLevel;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a FAILED or REJECTED ack leads to: a decision is retried or escalated, never forgotten.
 * Pure.
 *
 * <ul>
 *   <li>An ack of a decision that is no longer the task's latest is <b>superseded</b>: the newer
 *       decision carries fresh limits and gets its own ack.
 *   <li>FAILED because the node already terminated the task: nothing can be enforced on it any
 *       more; the task is <b>gone</b> (recorded as terminated, its grant returned).
 *   <li>FAILED (a cgroup write or the network failed; the enforcer did not record it as applied, so
 *       a new sequence is applied afresh): <b>retry</b> the same limits under the next sequence,
 *       after {@code retryBackoffMs}, doubling each time, at most {@code maxRetries} times.
 *   <li>REJECTED because a limit is above this node's bound (the enforcer's validator says which
 *       and the bound): <b>correct</b> it, clamped down to the bound (never up: a lower limit never
 *       over-commits the pool), at once; counts as an attempt. Any other rejection (a bad id, a
 *       limit below the minimum, a missing split pid) is not correctable by the functions.
 *   <li>Otherwise, or when the attempts are used up: <b>escalate</b>. Always a dead letter to
 *       {@code augur.dlq} (error type {@code decision.unenforceable}: alerting counts these). A
 *       decision that was restricting the task (RESTRICT, SPLIT, or any at trust LOW) fails closed:
 *       the task is QUARANTINEd (then terminated when its quarantine time passes); a failed
 *       QUARANTINE escalates to TERMINATE. A failed ALLOCATE or THROTTLE of a trusted task is only
 *       reported: punishing a task for a node's fault would be wrong. A failed TERMINATE has
 *       nothing stricter left.
 * </ul>
 */
public final class AckPolicy {

    /** The enforcer's rejection of a limit above the node's bound (actuator DecisionValidator). */
    private static final Pattern CPU_ABOVE =
            Pattern.compile("cpuCores (\\S+) is outside \\(0, (\\S+)\\] of this node");

    private static final Pattern MEMORY_ABOVE =
            Pattern.compile("memoryBytes (\\d+) is outside \\[(\\d+), (\\d+)\\] of this node");

    /** What to do. */
    public sealed interface FollowUp {
        String reason();
    }

    /** A newer decision was issued since: nothing to do. */
    public record Superseded(String reason) implements FollowUp {}

    /** The node terminated the task already: record it, decide nothing more. */
    public record Gone(String reason) implements FollowUp {}

    /**
     * Re-issue the failed decision's limits after {@code delay}; this is attempt {@code attempt}.
     */
    public record Retry(int attempt, Duration delay, String reason) implements FollowUp {}

    /** Re-issue with these limits at once; this is attempt {@code attempt}. */
    public record Correct(int attempt, double cpuCores, long memoryBytes, String reason)
            implements FollowUp {}

    /**
     * Give up on the decision: report it, and if {@code stricter} is present decide that action.
     */
    public record Escalate(Optional<EnforcementAction> stricter, String reason)
            implements FollowUp {}

    private final FeedbackSettings settings;

    public AckPolicy(FeedbackSettings settings) {
        this.settings = settings;
    }

    /**
     * @param ack a FAILED or REJECTED ack
     * @param decision the decision it answers, as issued (its sequence is the ack's)
     * @param latest whether that decision is still the task's latest
     * @param attemptsSoFar retries and corrections already made for the decision this one re-issues
     *     (0 for a decision of its own)
     */
    public FollowUp onProblem(
            EnforcementAck ack, EnforcementDecision decision, boolean latest, int attemptsSoFar) {
        if (ack.getOutcome() != AckOutcome.FAILED && ack.getOutcome() != AckOutcome.REJECTED) {
            throw new IllegalArgumentException("not a problem: " + ack.getOutcome());
        }
        String what =
                fmt(
                        "decision %s (%s) was %s: %s",
                        decision.getDecisionId(),
                        decision.getAction(),
                        ack.getOutcome(),
                        ack.getReason() == null ? "no reason given" : ack.getReason());
        if (!latest) {
            return new Superseded(what + "; a newer decision supersedes it");
        }
        if (ack.getOutcome() == AckOutcome.FAILED
                && ack.getControls() != null
                && ack.getControls().getState() == TaskEnforcementState.TERMINATED
                && decision.getAction() != EnforcementAction.TERMINATE) {
            return new Gone(what + "; the node terminated the task already");
        }
        if (attemptsSoFar >= settings.maxRetries()) {
            return escalate(decision, what + fmt("; %d attempts used up", settings.maxRetries()));
        }
        int attempt = attemptsSoFar + 1;
        if (ack.getOutcome() == AckOutcome.FAILED) {
            Duration delay =
                    Duration.ofMillis(settings.retryBackoffMs() << Math.min(attemptsSoFar, 20));
            return new Retry(
                    attempt,
                    delay,
                    fmt(
                            "%s; retry %d of %d in %d ms",
                            what, attempt, settings.maxRetries(), delay.toMillis()));
        }
        Optional<Correct> corrected = correction(ack.getReason(), decision, attempt, what);
        if (corrected.isPresent()) {
            return corrected.get();
        }
        return escalate(decision, what + "; not correctable by the decision functions");
    }

    private Optional<Correct> correction(
            String reason, EnforcementDecision decision, int attempt, String what) {
        if (reason == null) {
            return Optional.empty();
        }
        double cpu = decision.getCpuCores();
        long memory = decision.getMemoryBytes();
        Matcher c = CPU_ABOVE.matcher(reason);
        Matcher m = MEMORY_ABOVE.matcher(reason);
        boolean changed = false;
        if (c.find()) {
            double bound = parse(c.group(2));
            if (bound > 0 && cpu > bound) {
                // Whole millicores, as every CPU quota the functions decide.
                cpu = Math.floor(bound * 1000) / 1000;
                changed = true;
            }
        }
        if (m.find()) {
            long bound = Long.parseLong(m.group(3));
            if (memory > bound) {
                memory = bound;
                changed = true;
            }
        }
        if (!changed) {
            return Optional.empty();
        }
        return Optional.of(
                new Correct(
                        attempt,
                        cpu,
                        memory,
                        fmt(
                                "%s; correction %d of %d: clamped to the node's bounds, cpu %.3f"
                                        + " cores, memory %d MiB",
                                what, attempt, settings.maxRetries(), cpu, memory >> 20)));
    }

    private static double parse(String number) {
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Fail closed for a decision that restricted the task; report only for the others. */
    static Escalate escalate(EnforcementDecision decision, String why) {
        EnforcementAction action = decision.getAction();
        boolean restricting =
                action == EnforcementAction.RESTRICT
                        || action == EnforcementAction.SPLIT
                        || decision.getTrustLevel() == TrustLevel.LOW;
        if (action == EnforcementAction.TERMINATE) {
            return new Escalate(
                    Optional.empty(),
                    why + "; escalated: reported (nothing stricter than TERMINATE)");
        }
        if (action == EnforcementAction.QUARANTINE) {
            return new Escalate(
                    Optional.of(EnforcementAction.TERMINATE),
                    why + "; escalated: TERMINATE (a task that cannot be isolated is ended)");
        }
        if (restricting) {
            return new Escalate(
                    Optional.of(EnforcementAction.QUARANTINE),
                    why
                            + "; escalated: QUARANTINE (a restriction that cannot be enforced fails"
                            + " closed)");
        }
        return new Escalate(
                Optional.empty(),
                why
                        + "; escalated: reported only (a trusted task's limits are not cut for a"
                        + " node's fault)");
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
