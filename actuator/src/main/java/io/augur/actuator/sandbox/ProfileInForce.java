package io.augur.actuator.sandbox;

/**
 * The sandbox profile of a running supervised task.
 *
 * @param launch the profile it was launched with (its kernel filter, for its whole life)
 * @param current the profile its supervisor answers by
 * @param currentAddsToLaunch whether {@code current} denies anything {@code launch} allows; when
 *     not, the launch profile alone decides
 */
public record ProfileInForce(String launch, String current, boolean currentAddsToLaunch) {

    /** The profile that decides the task's calls, by name. */
    public String effective() {
        return currentAddsToLaunch ? current : launch;
    }

    /** For acks and logs. */
    public String describe() {
        if (current.equals(launch)) {
            return "sandbox profile " + launch + " in force (its launch profile)";
        }
        if (currentAddsToLaunch) {
            return "sandbox profile "
                    + current
                    + " in force (launched as "
                    + launch
                    + "; the calls "
                    + current
                    + " adds are denied by the task's seccomp supervisor)";
        }
        return "sandbox profile "
                + current
                + " asked, launch profile "
                + launch
                + " stays in force (a running task's filter never loosens below its launch"
                + " profile)";
    }
}
