package io.augur.jobs.pipeline;

import io.augur.jobs.profile.Forecast;
import io.augur.schema.Resource;
import java.util.EnumMap;
import java.util.Map;

/**
 * A task window and its forecast (a Flink POJO): what {@link ForecastFn} hands to {@link
 * ScoreTaskFn}. The forecast is flattened: band {@code i} covers resource {@code resources[i]}, its
 * step t at {@code mean[i * steps + t]} (likewise lower, upper).
 */
public class ForecastedWindow {
    public ForecastRequest request;
    public String modelVersion;

    /** Why the forecast is not the configured model's (empty normally). */
    public String[] notes = new String[0];

    public long stepMs;
    public int steps;
    public int[] resources;
    public double[] mean;
    public double[] lower;
    public double[] upper;

    public ForecastedWindow() {}

    static ForecastedWindow of(
            ForecastRequest request, Forecast f, String modelVersion, String... notes) {
        ForecastedWindow w = new ForecastedWindow();
        w.request = request;
        w.modelVersion = modelVersion;
        w.notes = notes;
        w.stepMs = f.stepMs();
        w.steps = f.steps();
        int n = f.bands().size();
        w.resources = new int[n];
        w.mean = new double[n * f.steps()];
        w.lower = new double[n * f.steps()];
        w.upper = new double[n * f.steps()];
        int i = 0;
        for (Map.Entry<Resource, Forecast.Band> e : f.bands().entrySet()) {
            w.resources[i] = e.getKey().ordinal();
            System.arraycopy(e.getValue().mean(), 0, w.mean, i * f.steps(), f.steps());
            System.arraycopy(e.getValue().lower(), 0, w.lower, i * f.steps(), f.steps());
            System.arraycopy(e.getValue().upper(), 0, w.upper, i * f.steps(), f.steps());
            i++;
        }
        return w;
    }

    /** Passes a task's end marker ({@link ForecastRequest#ended}) on: no forecast. */
    static ForecastedWindow ended(ForecastRequest request) {
        ForecastedWindow w = new ForecastedWindow();
        w.request = request;
        w.modelVersion = "";
        w.resources = new int[0];
        w.mean = new double[0];
        w.lower = new double[0];
        w.upper = new double[0];
        return w;
    }

    /** The forecast, unflattened. */
    Forecast forecast() {
        Map<Resource, Forecast.Band> bands = new EnumMap<>(Resource.class);
        Resource[] all = Resource.values();
        for (int i = 0; i < resources.length; i++) {
            int from = i * steps;
            bands.put(
                    all[resources[i]],
                    new Forecast.Band(
                            java.util.Arrays.copyOfRange(mean, from, from + steps),
                            java.util.Arrays.copyOfRange(lower, from, from + steps),
                            java.util.Arrays.copyOfRange(upper, from, from + steps)));
        }
        return new Forecast(stepMs, steps, bands);
    }
}
