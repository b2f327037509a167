package io.augur.functions;

import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.NodeResources;
import io.augur.functions.policy.Policy;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Everything Augur's functions are built from: the decision policy in force, every node's capacity
 * (one value for all nodes for now), the clock that stamps decisions and the observer of what they
 * do.
 *
 * <p>The policy is a supplier: the SDK builds a function instance for every request batch, and each
 * instance takes the policy in force at that moment, so a reloaded policy file ({@link
 * io.augur.functions.policy.PolicyFile}) reaches running functions without a restart.
 *
 * @param policies the decision policy in force
 * @param nodeCapacity capacity of each node's resource pool
 * @param clock source of {@code issuedAt}
 * @param observer metrics sink
 */
public record FunctionsConfig(
        Supplier<Policy> policies,
        NodeResources nodeCapacity,
        Clock clock,
        DecisionObserver observer) {

    /** Default node capacity: 4 cores, 8 GiB. */
    public static final NodeResources DEFAULT_NODE_CAPACITY = new NodeResources(4.0, 8L << 30);

    public static final FunctionsConfig DEFAULTS =
            new FunctionsConfig(
                    constant(Policy.DEFAULTS),
                    DEFAULT_NODE_CAPACITY,
                    Clock.systemUTC(),
                    DecisionObserver.NONE);

    /** A fixed policy of these allocation settings, enforced. */
    public FunctionsConfig(
            AllocationSettings settings,
            NodeResources nodeCapacity,
            Clock clock,
            DecisionObserver observer) {
        this(constant(Policy.of(settings, "settings")), nodeCapacity, clock, observer);
    }

    private static Supplier<Policy> constant(Policy policy) {
        return () -> policy;
    }

    /** The policy in force now. */
    public Policy currentPolicy() {
        return policies.get();
    }

    /** The allocator of the policy in force now. */
    public AllocationPolicy policy() {
        return currentPolicy().allocationPolicy();
    }
}
