package io.augur.jobs.eval;

import ai.djl.inference.Predictor;
import io.augur.jobs.forecast.LstmModel;
import io.augur.jobs.forecast.ModelCodec;
import io.augur.jobs.forecast.ModelMetadata;
import io.augur.jobs.profile.CalibrationState;
import io.augur.jobs.profile.Forecast;
import io.augur.jobs.profile.OnlineCalibrator;
import io.augur.jobs.profile.ResourceVector;
import io.augur.schema.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped LSTM, through the job's own inference path (DJL, {@link ModelCodec}'s normalisation
 * and calibration), in batches of origins, with the job's online recalibration ({@link
 * OnlineCalibrator}) replayed along each trace: every step from the first origin to the last is one
 * of the job's windows (the model's step), each checks the earlier forecasts that reach it against
 * the trace's value there, and each forecast is recalibrated by what the trace's earlier steps
 * taught before it is scored. With a stride, every step is still forecast and replayed; only every
 * stride-th is scored. A calibrator with γ = 0 gives the model's own (split-conformal) intervals.
 */
public final class LstmEvalForecaster implements EvalForecaster {
    private static final int BATCH = 256;

    private final LstmModel model;
    private final Predictor<List<List<double[]>>, List<Forecast[]>> predictor;
    private final OnlineCalibrator calibrator;

    /**
     * @param calibrator the job's online recalibration: it checks the interval of its level (the 80
     *     % one below 0.85, else the 90 % one) and scales both alike
     */
    public LstmEvalForecaster(LstmModel model, OnlineCalibrator calibrator) {
        this.model = model;
        this.calibrator = calibrator;
        ModelMetadata meta = model.metadata();
        ModelCodec at80 = new ModelCodec(meta, 0.8);
        ModelCodec at90 = new ModelCodec(meta, 0.9);
        this.predictor =
                model.newPredictor(
                        (out, offset, scales) ->
                                new Forecast[] {
                                    at80.decode(out, offset, scales, 1),
                                    at90.decode(out, offset, scales, 1)
                                });
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
        if (origins.length == 0) {
            return List.of();
        }
        // The job forecasts at every window, one model step each: the replay needs every origin
        // from the first to the last, whichever of them are scored.
        boolean replay = calibrator.gamma() > 0;
        int[] at = replay ? every(origins[0], origins[origins.length - 1]) : origins;
        List<Forecast[]> raw = forecasts(trace, at);
        if (!replay) {
            List<Prediction> out = new ArrayList<>(raw.size());
            raw.forEach(f -> out.add(toPrediction(f[0], f[1], model.metadata().horizon())));
            return out;
        }
        List<Prediction> all = recalibrated(trace, at, raw);
        List<Prediction> out = new ArrayList<>(origins.length);
        for (int t : origins) {
            out.add(all.get(t - at[0]));
        }
        return out;
    }

    private static int[] every(int first, int last) {
        int[] at = new int[last - first + 1];
        for (int i = 0; i < at.length; i++) {
            at[i] = first + i;
        }
        return at;
    }

    private List<Forecast[]> forecasts(Trace trace, int[] origins) throws Exception {
        int w = model.metadata().window();
        List<Forecast[]> out = new ArrayList<>(origins.length);
        List<List<double[]>> batch = new ArrayList<>(BATCH);
        for (int t : origins) {
            List<double[]> history = new ArrayList<>(w);
            for (int s = t - w + 1; s <= t; s++) {
                history.add(vectorAt(trace, s));
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

    /**
     * Replays the online recalibration along the trace, origin by origin (consecutive steps, one
     * window each), as the job would; the calibrator's level picks the interval it checks.
     */
    private List<Prediction> recalibrated(Trace trace, int[] origins, List<Forecast[]> raw) {
        int horizon = model.metadata().horizon();
        long windowSteps = 1;
        int checked = calibrator.level() < 0.85 ? 0 : 1; // the 80 % or the 90 % interval
        CalibrationState state = new CalibrationState();
        List<Prediction> out = new ArrayList<>(origins.length);
        for (int n = 0; n < origins.length; n++) {
            int t = origins[n];
            calibrator.observe(state, t, vectorAt(trace, t), windowSteps, (r, k, hit) -> {});
            Forecast[] f = {
                OnlineCalibrator.apply(raw.get(n)[0], state, windowSteps),
                OnlineCalibrator.apply(raw.get(n)[1], state, windowSteps)
            };
            OnlineCalibrator.issue(state, t, f[checked], windowSteps);
            out.add(toPrediction(f[0], f[1], horizon));
        }
        return out;
    }

    /** The trace's values at step {@code s} in the {@link ResourceVector} layout. */
    private static double[] vectorAt(Trace trace, int s) {
        double[] v = ResourceVector.unknown();
        for (int f = 0; f < Trace.FEATURES.size(); f++) {
            v[Trace.FEATURES.get(f).ordinal()] = trace.values()[s][f];
        }
        return v;
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
