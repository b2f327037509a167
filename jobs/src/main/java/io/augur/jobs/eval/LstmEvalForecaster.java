package io.augur.jobs.eval;

import ai.djl.inference.Predictor;
import io.augur.jobs.forecast.LstmModel;
import io.augur.jobs.forecast.ModelCodec;
import io.augur.jobs.forecast.ModelMetadata;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped LSTM, through the job's own inference path (DJL, {@link ModelCodec}'s normalisation
 * and calibration), in batches of origins.
 */
public final class LstmEvalForecaster implements EvalForecaster {
    private static final int BATCH = 256;

    private final LstmModel model;
    private final Predictor<List<List<double[]>>, List<Prediction>> predictor;

    public LstmEvalForecaster(LstmModel model) {
        this.model = model;
        ModelMetadata meta = model.metadata();
        ModelCodec at80 = new ModelCodec(meta, 0.8);
        ModelCodec at90 = new ModelCodec(meta, 0.9);
        this.predictor =
                model.newPredictor(
                        (out, offset, scales) ->
                                toPrediction(
                                        at80.decode(out, offset, scales, 1),
                                        at90.decode(out, offset, scales, 1),
                                        meta.horizon()));
    }

    @Override
    public String name() {
        return "lstm";
    }

    public ModelMetadata metadata() {
        return model.metadata();
    }

    @Override
    public List<Prediction> predict(Trace trace, int[] origins) throws Exception {
        int w = model.metadata().window();
        List<Prediction> out = new ArrayList<>(origins.length);
        List<List<double[]>> batch = new ArrayList<>(BATCH);
        for (int t : origins) {
            List<double[]> history = new ArrayList<>(w);
            for (int s = t - w + 1; s <= t; s++) {
                double[] v = ResourceVector.unknown();
                for (int f = 0; f < Trace.FEATURES.size(); f++) {
                    v[Trace.FEATURES.get(f).ordinal()] = trace.values()[s][f];
                }
                history.add(v);
            }
            batch.add(history);
            if (batch.size() == BATCH) {
                out.addAll(predictor.predict(batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            out.addAll(predictor.predict(batch));
        }
        return out;
    }

    private static Prediction toPrediction(Forecast f80, Forecast f90, int horizon) {
        Prediction p = Prediction.empty(horizon, Trace.FEATURES.size());
        for (int f = 0; f < Trace.FEATURES.size(); f++) {
            Resource r = Trace.FEATURES.get(f);
            Forecast.Band b80 = f80.bands().get(r);
            Forecast.Band b90 = f90.bands().get(r);
            if (b80 == null || b90 == null) {
                continue;
            }
            for (int h = 0; h < horizon; h++) {
                p.point()[h][f] = b90.mean()[h];
                p.lo80()[h][f] = b80.lower()[h];
                p.hi80()[h][f] = b80.upper()[h];
                p.lo90()[h][f] = b90.lower()[h];
                p.hi90()[h][f] = b90.upper()[h];
            }
            p.limit()[f] = b90.peakUpper();
        }
        return p;
    }

    @Override
    public void close() {
        predictor.close();
    }
}
