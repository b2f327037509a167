package io.augur.functions.sandbox;

import java.util.Optional;

/**
 * The result of one anomaly window: the task's next hold and the decision, if any.
 *
 * @param next the hold after the window
 * @param decision the decision to issue, or empty
 * @param skipped why a non-NORMAL window decides nothing (the level is already in force), or null
 */
public record SandboxOutcome(
        SandboxHold next, Optional<SandboxDecision> decision, String skipped) {}
