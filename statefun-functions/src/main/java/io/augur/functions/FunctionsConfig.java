package io.augur.functions;

import io.augur.functions.allocation.AllocationPolicy;
import io.augur.functions.allocation.AllocationSettings;
import io.augur.functions.allocation.NodeResources;
import java.time.Clock;

/**
 * Everything Augur's functions are built from: the allocation policy, every node's capacity (one
 * value for all nodes for now), the clock that stamps decisions and the observer of what they do.
 *
 * @param settings allocation policy values
 * @param nodeCapacity capacity of each node's resource pool
 * @param clock source of {@code issuedAt}
 * @param observer metrics sink
 */
public record FunctionsConfig(
        AllocationSettings settings,
        NodeResources nodeCapacity,
        Clock clock,
        DecisionObserver observer) {

    /** Default node capacity: 4 cores, 8 GiB. */
    public static final NodeResources DEFAULT_NODE_CAPACITY = new NodeResources(4.0, 8L << 30);

    public static final FunctionsConfig DEFAULTS =
            new FunctionsConfig(
                    AllocationSettings.DEFAULTS,
                    DEFAULT_NODE_CAPACITY,
                    Clock.systemUTC(),
                    DecisionObserver.NONE);

    public AllocationPolicy policy() {
        return new AllocationPolicy(settings);
    }
}
