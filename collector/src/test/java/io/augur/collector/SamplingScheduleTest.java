package io.augur.collector;

import static io.augur.schema.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplingScheduleTest {
    final SamplingSchedule schedule = new SamplingSchedule(Duration.ofSeconds(1));

    @Test
    void aNewTaskIsDueAtOnceThenEveryBaseInterval() {
        assertThat(schedule.due("t", T0)).isTrue();
        schedule.read("t", T0);
        assertThat(schedule.due("t", T0.plusMillis(999))).isFalse();
        assertThat(schedule.due("t", T0.plusMillis(1000))).isTrue();
        assertThat(schedule.nextWake(T0)).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aFasterIntervalTakesEffectAtOnceNotAfterTheOldOne() {
        schedule.read("t", T0);

        assertThat(schedule.request("t", Duration.ofMillis(250), 1)).isTrue();

        // The next reading moves from T0 + 1 s to T0 + 250 ms: within one old interval.
        assertThat(schedule.due("t", T0.plusMillis(250))).isTrue();
        assertThat(schedule.nextWake(T0.plusMillis(10))).isEqualTo(T0.plusMillis(250));
        schedule.read("t", T0.plusMillis(250));
        assertThat(schedule.nextWake(T0.plusMillis(260))).isEqualTo(T0.plusMillis(500));
    }

    @Test
    void aSlowerIntervalAppliesFromTheNextReading() {
        schedule.read("t", T0);
        schedule.request("t", Duration.ofSeconds(5), 1);

        assertThat(schedule.due("t", T0.plusSeconds(1))).isTrue();
        schedule.read("t", T0.plusSeconds(1));
        assertThat(schedule.due("t", T0.plusSeconds(5))).isFalse();
        assertThat(schedule.due("t", T0.plusSeconds(6))).isTrue();
    }

    @Test
    void staleRequestsAreIgnoredAndIntervalsClamped() {
        schedule.request("t", Duration.ofMillis(500), 5);
        assertThat(schedule.request("t", Duration.ofMillis(200), 4)).isFalse();
        assertThat(schedule.request("t", Duration.ofMillis(200), 5)).isFalse();
        assertThat(schedule.intervalOf("t")).isEqualTo(Duration.ofMillis(500));

        schedule.request("t", Duration.ofMillis(1), 6);
        assertThat(schedule.intervalOf("t")).isEqualTo(SamplingSchedule.MIN_INTERVAL);
        schedule.request("t", Duration.ofDays(1), 7);
        assertThat(schedule.intervalOf("t")).isEqualTo(SamplingSchedule.MAX_INTERVAL);
    }

    @Test
    void aVanishedTaskIsForgottenWithItsIntervalButAnAwaitedOneKeepsIt() {
        schedule.read("gone", T0);
        schedule.request("gone", Duration.ofMillis(250), 1);
        schedule.request("not-yet", Duration.ofMillis(250), 1);

        schedule.retain(List.of());

        assertThat(schedule.intervalOf("gone")).isEqualTo(Duration.ofSeconds(1));
        assertThat(schedule.intervalOf("not-yet")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aRequestWakesASleepingSampler() throws Exception {
        Thread sleeper =
                new Thread(
                        () -> {
                            try {
                                schedule.sleepUntil(
                                        Instant.now().plus(Duration.ofMinutes(5)),
                                        Clock.systemUTC());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        sleeper.start();
        while (sleeper.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }

        schedule.request("t", Duration.ofMillis(250), 1);

        sleeper.join(Duration.ofSeconds(10).toMillis());
        assertThat(sleeper.isAlive()).isFalse();
    }

    @Test
    void refusesABaseBelowTheMinimum() {
        assertThatThrownBy(() -> new SamplingSchedule(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
