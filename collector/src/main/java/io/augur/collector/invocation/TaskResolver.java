package io.augur.collector.invocation;

import java.util.Optional;

/** Which task a process of this node belongs to now; empty when none (or it is gone). */
@FunctionalInterface
public interface TaskResolver {
    Optional<String> taskOf(long pid);
}
