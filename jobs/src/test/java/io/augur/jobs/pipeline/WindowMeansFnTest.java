package io.augur.jobs.pipeline;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.Fixtures;
import io.augur.schema.Resource;
import io.augur.schema.ResourceSample;
import org.junit.jupiter.api.Test;

class WindowMeansFnTest {

    static ResourceSample sample(double cores, Double throttledSeconds, long intervalMs) {
        ResourceSample s = Fixtures.sample("t", T0, cores, 1L << 20);
        s.setIntervalMs(intervalMs);
        s.setCpuThrottledSeconds(throttledSeconds);
        return s;
    }

    @Test
    void aThrottledTaskObservesTheCpuItWantsNotTheQuotaItGets() {
        // Half a core used, throttled 0.25 s of a 500 ms interval: it wanted a whole core.
        double[] v = WindowMeansFn.observation(sample(0.5, 0.25, 500));

        assertThat(v[Resource.CPU.ordinal()]).isEqualTo(1.0);
    }

    @Test
    void withoutThrottlingOrItsFigureItIsTheCoresUsed() {
        assertThat(WindowMeansFn.observation(sample(0.5, 0.0, 1000))[Resource.CPU.ordinal()])
                .isEqualTo(0.5);
        assertThat(WindowMeansFn.observation(sample(0.5, null, 1000))[Resource.CPU.ordinal()])
                .isEqualTo(0.5);
    }
}
