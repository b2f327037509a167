package io.augur.actuator.sandbox;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link SandboxProfileEffector} for tests: supervised tasks and their profiles in a map. */
public final class InMemorySandboxProfileEffector implements SandboxProfileEffector {
    private final Map<String, ProfileSupervision> plans = new ConcurrentHashMap<>();
    private final Map<String, String> current = new ConcurrentHashMap<>();

    /** A task launched under supervision (as {@code ./augur run} does). */
    public void launched(String taskId, ProfileSupervision plan) {
        plans.put(taskId, plan);
        current.put(taskId, plan.launch().name());
    }

    @Override
    public boolean supervised(String taskId) {
        return plans.containsKey(taskId);
    }

    @Override
    public ProfileInForce apply(String taskId, String profile) {
        ProfileSupervision plan = plans.get(taskId);
        if (plan == null) {
            throw new IllegalStateException("task " + taskId + " is not supervised");
        }
        if (!plan.profiles().contains(profile)) {
            throw new IllegalArgumentException(
                    SupervisedProfileStore.unknown(taskId, profile, plan.profiles()));
        }
        current.put(taskId, profile);
        return read(taskId).orElseThrow();
    }

    @Override
    public Optional<ProfileInForce> read(String taskId) {
        ProfileSupervision plan = plans.get(taskId);
        if (plan == null) {
            return Optional.empty();
        }
        String c = current.get(taskId);
        return Optional.of(new ProfileInForce(plan.launch().name(), c, plan.addsToLaunch(c)));
    }
}
