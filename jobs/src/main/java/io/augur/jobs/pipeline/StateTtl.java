package io.augur.jobs.pipeline;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/** The TTL every keyed state of the profiler gets, so ended and idle tasks do not pile up. */
final class StateTtl {
    private StateTtl() {}

    static StateTtlConfig of(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                .cleanupFullSnapshot()
                .build();
    }
}
