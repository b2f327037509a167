package io.augur.jobs.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The real TorchScript model through DJL (see {@link SequenceTestModels} for which one). */
class DjlNextCallModelTest {
    @Test
    void batchedProbabilitiesSumToOneAndCloseDropsTheModel() throws Exception {
        SequenceModelRegistry registry = SequenceModelRegistry.open(SequenceTestModels.registry());
        NextCallModel model = registry.forRole(SequenceTestModels.ADFA);
        int h = model.metadata().window();
        Vocabulary v = model.vocabulary();
        long[][] batch = new long[3][];
        batch[0] = new long[h];
        batch[1] = History.ids(List.of("no-such-call"), v, h);
        batch[2] = History.ids(model.metadata().vocabulary().subList(0, 2), v, h);
        float[][] p = model.nextCallProbabilities(batch);
        assertThat(p).hasNumberOfRows(3);
        for (float[] row : p) {
            assertThat(row).hasSize(v.size());
            double sum = 0;
            for (float x : row) {
                assertThat(x).isBetween(0f, 1f);
                sum += x;
            }
            assertThat(sum).isBetween(0.99, 1.01);
        }
        registry.close();
        assertThatThrownBy(() -> model.nextCallProbabilities(batch))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void servesConcurrentCallers() throws Exception {
        try (SequenceModelRegistry registry =
                SequenceModelRegistry.open(SequenceTestModels.registry())) {
            NextCallModel model = registry.forRole(SequenceTestModels.ADFA);
            long[][] one = {new long[model.metadata().window()]};
            float[] expected = model.nextCallProbabilities(one)[0];
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][]>> all =
                        pool.invokeAll(
                                java.util.Collections.nCopies(
                                        16, () -> model.nextCallProbabilities(one)));
                for (Future<float[][]> f : all) {
                    assertThat(f.get()[0]).containsExactly(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void refusesADirectoryWithoutModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path d)
            throws IOException {
        java.nio.file.Files.writeString(
                d.resolve("metadata.json"), SequenceModelMetadataTest.valid().toString());
        assertThatThrownBy(() -> DjlNextCallModel.load(d)).hasMessageContaining("no model.pt");
    }
}
