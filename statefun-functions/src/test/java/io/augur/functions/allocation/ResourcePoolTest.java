package io.augur.functions.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResourcePoolTest {

    private static final NodeResources CAPACITY = new NodeResources(4.0, 8192);

    @Test
    void availabilityIsCapacityMinusTheOtherTasksGrants() {
        ResourcePool pool =
                ResourcePool.empty(CAPACITY)
                        .withGrant("a", new NodeResources(1.5, 1000))
                        .withGrant("b", new NodeResources(2.0, 3000));

        assertThat(pool.availableFor("a")).isEqualTo(new NodeResources(2.0, 5192));
        assertThat(pool.availableFor("c")).isEqualTo(new NodeResources(0.5, 4192));
        assertThat(pool.committed()).isEqualTo(new NodeResources(3.5, 4000));
    }

    @Test
    void refusesToOverCommit() {
        ResourcePool pool = ResourcePool.empty(CAPACITY).withGrant("a", new NodeResources(3.0, 0));

        assertThatThrownBy(() -> pool.withGrant("b", new NodeResources(1.001, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds availability");
        // A task may replace its own grant up to the whole remainder.
        assertThat(pool.withGrant("a", new NodeResources(4.0, 8192)).committed())
                .isEqualTo(CAPACITY);
    }

    @Test
    void releaseReturnsTheGrant() {
        ResourcePool pool =
                ResourcePool.empty(CAPACITY).withGrant("a", new NodeResources(4.0, 8192));

        assertThat(pool.without("a").availableFor("b")).isEqualTo(CAPACITY);
        assertThat(pool.without("unknown")).isSameAs(pool);
    }

    @Test
    void millicoreAccountingAddsUpExactly() {
        ResourcePool pool = ResourcePool.empty(new NodeResources(1.0, 10));
        for (int i = 0; i < 10; i++) {
            pool = pool.withGrant("t" + i, new NodeResources(0.1, 1));
        }
        assertThat(pool.availableFor("new")).isEqualTo(NodeResources.NONE);
    }

    @Test
    void cappedGrantsNeverOverCommitWhateverTheOrder() {
        AllocationPolicy policy = AllocationPolicy.defaults();
        Random random = new Random(42);
        ResourcePool pool = ResourcePool.empty(CAPACITY);
        for (int i = 0; i < 1000; i++) {
            String task = "t" + random.nextInt(12);
            if (random.nextInt(10) == 0) {
                pool = pool.without(task);
                continue;
            }
            Allocation wanted =
                    new Allocation(
                            AllocationPolicy.roundCpu(random.nextDouble() * 3),
                            random.nextInt(4096),
                            true);
            Capped capped = policy.cap(wanted, pool.availableFor(task));
            pool = pool.withGrant(task, capped.allocation().resources());

            NodeResources committed = pool.committed();
            assertThat(committed.cpuCores()).isLessThanOrEqualTo(CAPACITY.cpuCores());
            assertThat(committed.memoryBytes()).isLessThanOrEqualTo(CAPACITY.memoryBytes());
        }
        assertThat(pool.grants()).isNotEmpty().isInstanceOf(Map.class);
    }

    @Test
    void aReclaimTakesFromLowerTrustFirstLargestFirstNeverBelowTheFloorNorMoreThanMissing() {
        ResourcePool pool =
                ResourcePool.of(
                        new NodeResources(4.0, 4096),
                        java.util.Map.of(
                                "low-small", new NodeResources(0.5, 512),
                                "low-big", new NodeResources(1.5, 1024),
                                "medium", new NodeResources(1.0, 1024),
                                "high", new NodeResources(0.5, 512)));
        java.util.Map<String, Integer> rank =
                java.util.Map.of("low-small", 0, "low-big", 0, "medium", 1, "high", 2);
        NodeResources floor = new NodeResources(0.1, 128);

        // "new" (rank 2) asks 2.5 cores with 0.5 free: 2.0 missing.
        ResourcePool.Reclaim r = pool.reclaimFor("new", 2, new NodeResources(2.5, 0), rank, floor);

        assertThat(r.reduced().keySet()).containsExactly("low-big", "low-small", "medium");
        assertThat(r.reduced().get("low-big")).isEqualTo(new NodeResources(0.1, 1024));
        assertThat(r.reduced().get("low-small")).isEqualTo(new NodeResources(0.1, 512));
        // 1.4 + 0.4 taken from LOW; the remaining 0.2 from MEDIUM; HIGH (same rank) untouched.
        assertThat(r.reduced().get("medium")).isEqualTo(new NodeResources(0.8, 1024));
        assertThat(r.reasons().get(0))
                .isEqualTo(
                        "reclaimed 1.400 cores, 0 MiB from lower-trust task low-big (now 0.100"
                                + " cores, 0 MiB)");
        ResourcePool after = pool;
        for (var e : r.reduced().entrySet()) {
            after = after.withGrant(e.getKey(), e.getValue());
        }
        assertThat(after.availableFor("new").cpuCores()).isEqualTo(2.5);

        // A MEDIUM task may take only from LOW; nothing is reclaimed when it fits.
        assertThat(pool.reclaimFor("medium", 1, new NodeResources(3.0, 0), rank, floor).reduced())
                .containsOnlyKeys("low-big", "low-small");
        assertThat(pool.reclaimFor("new", 2, new NodeResources(0.5, 0), rank, floor).isEmpty())
                .isTrue();
        assertThat(pool.reclaimFor("low-big", 0, new NodeResources(4.0, 0), rank, floor).isEmpty())
                .isTrue();
    }
}
