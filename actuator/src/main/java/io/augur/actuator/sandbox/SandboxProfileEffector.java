package io.augur.actuator.sandbox;

import java.util.Optional;

/**
 * Moves a running task to another sandbox profile, for tasks started under supervision by {@code
 * ./augur run} (see {@link ProfileSupervision}): {@link SupervisedProfileStore} on a node, {@link
 * InMemorySandboxProfileEffector} in tests.
 */
public interface SandboxProfileEffector {
    /** For nodes whose tasks are never supervised: no task has a profile to change. */
    SandboxProfileEffector NONE =
            new SandboxProfileEffector() {
                @Override
                public boolean supervised(String taskId) {
                    return false;
                }

                @Override
                public ProfileInForce apply(String taskId, String profile) {
                    throw new IllegalStateException("task " + taskId + " is not supervised");
                }

                @Override
                public Optional<ProfileInForce> read(String taskId) {
                    return Optional.empty();
                }
            };

    /** Whether the task runs under a supervisor whose profile can be changed. */
    boolean supervised(String taskId);

    /**
     * Puts {@code profile} in force on the task: every supervised call from then on is answered by
     * it (the launch profile's filter stays in force underneath).
     *
     * @return what is in force afterwards
     * @throws IllegalArgumentException when the task's supervisor does not know the profile
     * @throws java.io.UncheckedIOException when the state cannot be written
     */
    ProfileInForce apply(String taskId, String profile);

    /** What is in force on a supervised task; empty when it is not supervised. */
    Optional<ProfileInForce> read(String taskId);
}
