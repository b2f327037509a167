package io.augur.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service on real DJL inference of a real (untrained) TorchScript model. */
class LstmForecastServiceTest {
    @TempDir Path models;

    /** Copies the tiny model into {@code models/name} with another version and creation time. */
    private Path version(String name, String createdAt, String replaceFrom, String replaceTo)
            throws IOException {
        Path source = TestModels.tiny().resolve("tiny-1");
        Path dir = Files.createDirectories(models.resolve(name));
        Files.copy(source.resolve("model.pt"), dir.resolve("model.pt"));
        String meta =
                Files.readString(source.resolve("metadata.json"))
                        .replace("\"tiny-1\"", "\"" + name + "\"")
                        .replace("2026-11-21T08:00:00Z", createdAt)
                        .replace(replaceFrom, replaceTo);
        Files.writeString(dir.resolve("metadata.json"), meta);
        return dir;
    }

    private LstmForecastService start(Duration poll) throws IOException {
        return LstmForecastService.start(
                new LstmForecastService.Settings(
                        models.toString(), 0.9, 2000, 64, Duration.ofMillis(20), 1, 1, poll));
    }

    private static List<double[]> history(double cpu, int steps) {
        List<double[]> h = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            double[] v = ResourceVector.unknown();
            v[Resource.CPU.ordinal()] = cpu;
            v[Resource.MEMORY.ordinal()] = 100e6;
            v[Resource.DISK_WRITE.ordinal()] = 4096;
            v[Resource.PIDS.ordinal()] = 3;
            h.add(v);
        }
        return h;
    }

    @Test
    void servesTheNewestVersionWithTheModelsHorizonAndStep() throws Exception {
        version("a-1", "2026-11-20T00:00:00Z", "", "");
        version("b-2", "2026-11-21T00:00:00Z", "", "");
        try (LstmForecastService s = start(Duration.ofHours(1))) {
            var r = s.forecast(history(0.5, 30)).get(30, TimeUnit.SECONDS);
            assertThat(r.modelVersion()).isEqualTo("b-2");
            assertThat(r.forecast().steps()).isEqualTo(5);
            assertThat(r.forecast().stepMs()).isEqualTo(2000);
            // Measured features only: disk read and net were never measured, pids is no feature.
            assertThat(r.forecast().bands())
                    .containsOnlyKeys(Resource.CPU, Resource.MEMORY, Resource.DISK_WRITE);
            var cpu = r.forecast().bands().get(Resource.CPU);
            for (int t = 0; t < 5; t++) {
                assertThat(cpu.lower()[t]).isBetween(0.0, cpu.mean()[t]);
                assertThat(cpu.upper()[t]).isGreaterThanOrEqualTo(cpu.mean()[t]);
            }
        }
    }

    @Test
    void concurrentRequestsShareForwardPasses() throws Exception {
        version("a-1", "2026-11-20T00:00:00Z", "", "");
        try (LstmForecastService s = start(Duration.ofHours(1))) {
            List<CompletableFuture<LstmForecastService.Result>> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                all.add(s.forecast(history(0.1 + i / 100.0, 1 + i % 40)));
            }
            for (var f : all) {
                assertThat(f.get(60, TimeUnit.SECONDS).forecast().bands()).isNotEmpty();
            }
            assertThat(s.forecasts()).isEqualTo(300);
            // At most 64 a batch, so at least 5 passes; far fewer than one per request.
            assertThat(s.batches()).isBetween(5L, 60L);
        }
    }

    @Test
    void aNewVersionIsPickedUpWithoutARestart() throws Exception {
        version("a-1", "2026-11-20T00:00:00Z", "", "");
        try (LstmForecastService s = start(Duration.ofMillis(200))) {
            assertThat(s.forecast(history(0.5, 30)).get(30, TimeUnit.SECONDS).modelVersion())
                    .isEqualTo("a-1");
            version("b-2", "2026-11-21T00:00:00Z", "", "");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String served = "a-1";
            while (!served.equals("b-2") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                served = s.forecast(history(0.5, 30)).get(30, TimeUnit.SECONDS).modelVersion();
            }
            assertThat(served).isEqualTo("b-2");
            assertThat(s.metadata().version()).isEqualTo("b-2");
        }
    }

    @Test
    void aVersionThatBreaksItsMetadataIsRefusedAndTheCurrentOneKeepsServing() throws Exception {
        version("a-1", "2026-11-20T00:00:00Z", "", "");
        try (LstmForecastService s = start(Duration.ofHours(1))) {
            // Promises 6 steps; the TorchScript returns 5.
            version("b-2", "2026-11-21T00:00:00Z", "\"horizon\":5", "\"horizon\":6");
            assertThatThrownBy(s::checkForNewVersion)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("b-2")
                    .hasMessageContaining("promises");
            // Refused once, not retried on every poll.
            assertThat(s.checkForNewVersion()).isFalse();
            assertThat(s.forecast(history(0.5, 30)).get(30, TimeUnit.SECONDS).modelVersion())
                    .isEqualTo("a-1");
        }
    }

    @Test
    void aDirectoryWithoutAModelIsAClearError() throws Exception {
        Files.createDirectories(models.resolve("half-written"));
        Files.writeString(models.resolve("half-written/model.pt"), "not yet");
        assertThatThrownBy(() -> start(Duration.ofHours(1)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no model version")
                .hasMessageContaining(models.toString());
    }
}
