package io.augur.collector;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DropAccountTest {
    @Test
    void reportsAtMostOncePerIntervalWithTheCountSinceTheLastReport() {
        DropAccount drops = new DropAccount(Duration.ofSeconds(10));
        assertThat(drops.due(T0)).isEmpty();
        drops.dropped(3);
        assertThat(drops.due(T0)).hasValue(3);
        drops.dropped(2);
        drops.dropped(4);
        assertThat(drops.due(T0.plusSeconds(9))).isEmpty();
        assertThat(drops.due(T0.plusSeconds(10))).hasValue(6);
        assertThat(drops.due(T0.plusSeconds(30))).isEmpty();
        assertThat(drops.total()).isEqualTo(9);
    }
}
