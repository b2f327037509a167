package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LiveTableTest {

    @Test
    void countsFitTheirColumn() {
        assertThat(LiveTable.compact(0)).isEqualTo("0");
        assertThat(LiveTable.compact(999_999)).isEqualTo("999999");
        assertThat(LiveTable.compact(1_234_567)).isEqualTo("1234k");
        assertThat(LiveTable.compact(12_345_678)).isEqualTo("12.3M");
    }
}
