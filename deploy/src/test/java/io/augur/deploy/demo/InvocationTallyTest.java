package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.deploy.demo.InvocationTally.NameCount;
import io.augur.schema.Fixtures;
import io.augur.schema.InvocationEvent;
import io.augur.schema.InvocationKind;
import org.junit.jupiter.api.Test;

class InvocationTallyTest {

    private long sequence = 1_000;

    private InvocationEvent next(String name) {
        return Fixtures.invocation(sequence++, name);
    }

    private void add(InvocationTally tally, String name, int times) {
        for (int i = 0; i < times; i++) {
            tally.add(next(name));
        }
    }

    @Test
    void countsEveryInvocationAndItsNamesExactlyWhileTheyFit() {
        InvocationTally tally = new InvocationTally(8);
        add(tally, "futex", 3);
        add(tally, "clock_gettime", 5);
        add(tally, "read", 1);
        InvocationEvent method = next("com.example.App#run");
        method.setKind(InvocationKind.METHOD);
        tally.add(method);

        assertThat(tally.count()).isEqualTo(10);
        assertThat(tally.byKind()).containsEntry("SYSCALL", 9L).containsEntry("METHOD", 1L);
        assertThat(tally.top(3))
                .containsExactly(
                        new NameCount("clock_gettime", 5, 0),
                        new NameCount("futex", 3, 0),
                        new NameCount("com.example.App#run", 1, 0));
        assertThat(tally.top(10)).hasSize(4);
        assertThat(tally.exact()).isTrue();
    }

    @Test
    void anEventWhoseSequenceWasSeenIsADuplicateAndNotCounted() {
        InvocationTally tally = new InvocationTally(8);
        InvocationEvent first = next("read");
        InvocationEvent second = next("write");
        tally.add(first);
        tally.add(second);
        tally.add(first); // redelivered
        tally.add(second);

        assertThat(tally.count()).isEqualTo(2);
        assertThat(tally.duplicates()).isEqualTo(2);
        assertThat(tally.top(5))
                .containsExactly(new NameCount("read", 1, 0), new NameCount("write", 1, 0));
    }

    @Test
    void pastItsCapacityANewNameTakesTheSmallestCounterAndTheHeavyHittersStay() {
        InvocationTally tally = new InvocationTally(4);
        add(tally, "futex", 400);
        add(tally, "clock_gettime", 200);
        add(tally, "read", 2);
        // A long tail of distinct names, each once: they keep displacing one another.
        for (int i = 0; i < 300; i++) {
            add(tally, "m" + i, 1);
        }
        add(tally, "futex", 1);

        assertThat(tally.count()).isEqualTo(400 + 200 + 2 + 300 + 1);
        assertThat(tally.exact()).isFalse();
        // Never displaced, so exact; futex is above count / capacity, so it had to stay.
        assertThat(tally.top(2))
                .containsExactly(
                        new NameCount("futex", 401, 0), new NameCount("clock_gettime", 200, 0));
        NameCount tail = tally.top(3).get(2);
        assertThat(tail.name()).startsWith("m");
        // An upper bound: its true count is 1, the rest inherited from the names it displaced.
        assertThat(tail.count() - tail.overcount()).isEqualTo(1);
        assertThat(tail.count()).isGreaterThan(100).isLessThan(200);
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> new InvocationTally(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
