package io.augur.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link Spool} does: order, bound, drop-oldest with a count, removal from the head. */
abstract class SpoolContractTest {

    abstract Spool create(SpoolBound bound);

    static KeyedRecord rec(String task, int n) {
        return new KeyedRecord(
                task.getBytes(StandardCharsets.UTF_8), (task + n).getBytes(StandardCharsets.UTF_8));
    }

    static List<String> values(List<Spool.Entry> entries) {
        return entries.stream()
                .map(e -> new String(e.record().value(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void keepsOrderAndRemovesFromTheHead() {
        try (Spool spool = create(new SpoolBound(1 << 20, 100))) {
            assertThat(spool.append(List.of(rec("a", 1), rec("b", 1)))).isZero();
            assertThat(spool.append(List.of(rec("a", 2)))).isZero();
            List<Spool.Entry> all = spool.peek(10);
            assertThat(values(all)).containsExactly("a1", "b1", "a2");
            assertThat(all).extracting(Spool.Entry::seq).isSorted().doesNotHaveDuplicates();
            assertThat(new String(all.get(1).record().key(), StandardCharsets.UTF_8))
                    .isEqualTo("b");
            assertThat(spool.depthRecords()).isEqualTo(3);
            assertThat(spool.depthBytes()).isEqualTo(3 * (SpoolBound.FRAME_OVERHEAD + 3));

            spool.removeThrough(all.get(1).seq());
            assertThat(values(spool.peek(10))).containsExactly("a2");
            assertThat(values(spool.peek(0))).isEmpty();
            spool.removeThrough(all.get(2).seq());
            assertThat(spool.depthRecords()).isZero();
            assertThat(spool.depthBytes()).isZero();
            assertThat(spool.peek(10)).isEmpty();
        }
    }

    @Test
    void dropsTheOldestPastTheRecordBoundAndCountsThem() {
        try (Spool spool = create(new SpoolBound(1 << 20, 3))) {
            assertThat(spool.append(List.of(rec("a", 1), rec("a", 2)))).isZero();
            assertThat(spool.append(List.of(rec("a", 3), rec("a", 4), rec("a", 5)))).isEqualTo(2);
            assertThat(values(spool.peek(10))).containsExactly("a3", "a4", "a5");
            assertThat(spool.depthRecords()).isEqualTo(3);
        }
    }

    @Test
    void dropsTheOldestPastTheByteBound() {
        byte[] big = new byte[100];
        KeyedRecord r = new KeyedRecord(new byte[] {'k'}, big);
        long framed = SpoolBound.framedSize(r);
        try (Spool spool = create(new SpoolBound(1024, 1000))) {
            long fit = 1024 / framed;
            long dropped = 0;
            for (int i = 0; i < fit + 3; i++) {
                dropped += spool.append(List.of(r));
            }
            assertThat(dropped).isEqualTo(3);
            assertThat(spool.depthRecords()).isEqualTo(fit);
            assertThat(spool.depthBytes()).isLessThanOrEqualTo(1024);
            // A record bigger than the whole bound is dropped itself, the rest stays.
            assertThat(spool.append(List.of(new KeyedRecord(new byte[0], new byte[2000]))))
                    .isEqualTo(1);
            assertThat(spool.depthRecords()).isEqualTo(fit);
        }
    }
}
