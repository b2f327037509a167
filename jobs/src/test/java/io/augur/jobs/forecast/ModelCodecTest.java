package io.augur.jobs.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCodecTest {
    static final String METADATA =
            """
            {"format":1,"version":"t-1","createdAt":"2026-11-21T08:00:00Z",
             "features":["CPU","MEMORY"],"window":4,"horizon":2,
             "quantiles":[0.05,0.1,0.5,0.9,0.95],
             "normalisation":{"kind":"window-mean-scale","floor":{"CPU":0.01,"MEMORY":1048576}},
             "calibration":{"0.8":[0.0,0.0],"0.9":[0.5,-0.1]}}
            """;

    static ModelMetadata metadata(String json) throws Exception {
        return ModelMetadata.parse(new ObjectMapper().readTree(json));
    }

    private static double[] step(double cpu, double memory) {
        double[] v = ResourceVector.unknown();
        v[Resource.CPU.ordinal()] = cpu;
        v[Resource.MEMORY.ordinal()] = memory;
        return v;
    }

    @Test
    void normalisesByTheWindowMeanPlusTheFloor() throws Exception {
        ModelCodec codec = new ModelCodec(metadata(METADATA), 0.9);
        List<double[]> history = new ArrayList<>();
        for (double cpu : new double[] {9, 1, 2, 3, 4}) { // five steps: only the last four count
            history.add(step(cpu, 1048576));
        }
        float[] in = new float[codec.inputSize()];
        double[] scales = codec.normalise(history, in, 0);

        assertThat(scales[0]).isEqualTo(2.5 + 0.01);
        assertThat(scales[1]).isEqualTo(2 * 1048576.0);
        // Row-major [W, F]: in[t * F + f].
        assertThat(in[0]).isEqualTo((float) (1 / 2.51));
        assertThat(in[3 * 2]).isEqualTo((float) (4 / 2.51));
        assertThat(in[1]).isEqualTo(0.5f);
    }

    @Test
    void aShortHistoryIsLeftPaddedWithItsOldestStep() throws Exception {
        ModelCodec codec = new ModelCodec(metadata(METADATA), 0.9);
        float[] in = new float[codec.inputSize()];
        double[] scales = codec.normalise(List.of(step(1, 0), step(3, 0)), in, 0);
        // Padded to 1, 1, 1, 3: mean 1.5.
        assertThat(scales[0]).isEqualTo(1.5 + 0.01);
        assertThat(new float[] {in[0], in[2], in[4], in[6]})
                .containsExactly(
                        (float) (1 / 1.51),
                        (float) (1 / 1.51),
                        (float) (1 / 1.51),
                        (float) (3 / 1.51));
    }

    @Test
    void aFeatureNeverMeasuredIsFedAsZeroAndLeftOutOfTheForecast() throws Exception {
        ModelCodec codec = new ModelCodec(metadata(METADATA), 0.9);
        float[] in = new float[codec.inputSize()];
        double[] scales = codec.normalise(List.of(step(1, Double.NaN)), in, 0);
        assertThat(scales[1]).isNaN();
        assertThat(in[1]).isZero();

        float[] out = new float[codec.outputSize()];
        java.util.Arrays.fill(out, 1f);
        Forecast f = codec.decode(out, 0, scales, 2000);
        assertThat(f.bands()).containsOnlyKeys(Resource.CPU);
    }

    @Test
    void decodesTheMedianAndTheCalibratedIntervalScaledBack() throws Exception {
        ModelCodec codec = new ModelCodec(metadata(METADATA), 0.9);
        // [H=2, F=2, Q=5]; every item q05..q95 = 0.5, 0.8, 1.0, 1.2, 1.5.
        float[] out = new float[codec.outputSize()];
        for (int i = 0; i < out.length; i += 5) {
            out[i] = 0.5f;
            out[i + 1] = 0.8f;
            out[i + 2] = 1.0f;
            out[i + 3] = 1.2f;
            out[i + 4] = 1.5f;
        }
        Forecast f = codec.decode(out, 0, new double[] {2.0, 10.0}, 2000);
        assertThat(f.steps()).isEqualTo(2);
        assertThat(f.horizonMs()).isEqualTo(4000);
        Forecast.Band cpu = f.bands().get(Resource.CPU);
        assertThat(cpu.mean()).containsExactly(2.0, 2.0);
        // 90 %: [q05 - 0.5, q95 + 0.5] * 2.
        assertThat(cpu.lower()[0]).isEqualTo(0.0);
        assertThat(cpu.upper()[0]).isEqualTo(4.0);
        Forecast.Band mem = f.bands().get(Resource.MEMORY);
        // Offset -0.1 narrows: [0.6, 1.4] * 10.
        assertThat(mem.lower()[1]).isCloseTo(6.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(mem.upper()[1]).isCloseTo(14.0, org.assertj.core.data.Offset.offset(1e-6));

        ModelCodec eighty = new ModelCodec(metadata(METADATA), 0.8);
        Forecast.Band cpu80 =
                eighty.decode(out, 0, new double[] {2.0, 10.0}, 2000).bands().get(Resource.CPU);
        assertThat(cpu80.lower()[0]).isCloseTo(1.6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(cpu80.upper()[0]).isCloseTo(2.4, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void quantilesBelowZeroAreClampedBeforeTheOffsetWidensThem() throws Exception {
        // An idle resource: every quantile below 0. The offsets were calibrated on the clamped
        // quantiles (train.py), so the 90 % band is [0, 0 + 0.5] * 2, not (-0.3 + 0.5) * 2.
        ModelCodec codec = new ModelCodec(metadata(METADATA), 0.9);
        float[] out = new float[codec.outputSize()];
        for (int i = 0; i < out.length; i += 5) {
            out[i] = -0.6f;
            out[i + 1] = -0.5f;
            out[i + 2] = -0.4f;
            out[i + 3] = -0.35f;
            out[i + 4] = -0.3f;
        }
        Forecast.Band cpu =
                codec.decode(out, 0, new double[] {2.0, 10.0}, 2000).bands().get(Resource.CPU);
        assertThat(cpu.mean()).containsExactly(0.0, 0.0);
        assertThat(cpu.lower()).containsExactly(0.0, 0.0);
        assertThat(cpu.upper()).containsExactly(1.0, 1.0);
        // A negative offset (memory's -0.1) cannot take a clamped bound below 0.
        Forecast.Band mem =
                codec.decode(out, 0, new double[] {2.0, 10.0}, 2000).bands().get(Resource.MEMORY);
        assertThat(mem.upper()).containsExactly(0.0, 0.0);
    }

    @Test
    void metadataThatBreaksTheContractIsRefusedWithTheReason() {
        assertThatThrownBy(() -> metadata(METADATA.replace("\"format\":1", "\"format\":2")))
                .hasMessageContaining("format 2");
        assertThatThrownBy(
                        () -> metadata(METADATA.replace("\"CPU\",\"MEMORY\"]", "\"CPU\",\"GPU\"]")))
                .hasMessageContaining("unknown feature 'GPU'");
        assertThatThrownBy(() -> metadata(METADATA.replace("0.05,0.1,0.5", "0.1,0.05,0.5")))
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> metadata(METADATA.replace("[0.5,-0.1]", "[0.5]")))
                .hasMessageContaining("one offset per feature");
        assertThatThrownBy(() -> metadata(METADATA.replace("\"window\":4", "\"window\":0")))
                .hasMessageContaining("window");
        assertThatThrownBy(() -> new ModelCodec(metadata(METADATA), 0.95))
                .hasMessageContaining("0.8 or 0.9");
    }
}
