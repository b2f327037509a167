package io.augur.collector.invocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.schema.InvocationKind;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InvocationBufferTest {
    static Invocation call(int n) {
        return new Invocation("t", 1, null, InvocationKind.SYSCALL, "read", null, n);
    }

    @Test
    void pastItsBoundItDropsTheOldestAndCountsThem() {
        InvocationBuffer buffer = new InvocationBuffer(3);

        buffer.accept(IntStream.range(0, 5).mapToObj(InvocationBufferTest::call).toList());

        assertThat(buffer.dropped()).isEqualTo(2);
        assertThat(buffer.drain())
                .extracting(Invocation::timestampMillis)
                .containsExactly(2L, 3L, 4L);
        assertThat(buffer.size()).isZero();
        buffer.accept(List.of(call(9)));
        assertThat(buffer.drain()).hasSize(1);
        assertThat(buffer.dropped()).isEqualTo(2);
    }
}
