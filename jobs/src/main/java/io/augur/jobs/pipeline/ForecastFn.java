package io.augur.jobs.pipeline;

import io.augur.jobs.forecast.LstmForecastService;
import io.augur.jobs.profile.ResourceVector;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Forecasts each task window (scoring follows, keyed, in {@link ScoreTaskFn}). A task with fewer
 * than {@code minHistory} windows behind it is forecast by the baseline EWMA. With the LSTM
 * configured, requests from all the subtask's keys are batched into one forward pass ({@link
 * LstmForecastService}: micro-batches bounded by size and time, one DJL predictor per inference
 * thread) behind Flink's async I/O operator, whose in-flight requests are part of every checkpoint.
 * Resources the model does not forecast (pids) come from the baseline EWMA forecast; when the model
 * fails or times out, the baseline stands in for that window (counted, and said in the assessment's
 * reasons) — the job never fails on it. A task's end marker passes through in order.
 */
public final class ForecastFn extends RichAsyncFunction<ForecastRequest, ForecastedWindow> {
    private static final long serialVersionUID = 1L;

    private final Assessor assessor;
    private final LstmForecastService.Settings lstm;
    private final int minHistory;

    private transient LstmForecastService service;
    private transient Counter modelForecasts;
    private transient Counter baselineForecasts;
    private transient Counter fallbacks;

    /**
     * @param assessor scores forecasts
     * @param lstm the LSTM service's settings, or null to forecast with the baseline only
     * @param minHistory windows a task needs behind it before the LSTM forecasts it
     */
    public ForecastFn(Assessor assessor, LstmForecastService.Settings lstm, int minHistory) {
        this.assessor = assessor;
        this.lstm = lstm;
        this.minHistory = minHistory;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        var metrics = getRuntimeContext().getMetricGroup();
        modelForecasts = metrics.counter("modelForecasts");
        baselineForecasts = metrics.counter("baselineForecasts");
        fallbacks = metrics.counter("modelFallbacks");
        if (lstm != null) {
            service = LstmForecastService.start(lstm);
            metrics.gauge("forecastBatches", service::batches);
        }
    }

    @Override
    public void asyncInvoke(ForecastRequest r, ResultFuture<ForecastedWindow> result) {
        if (r.ended) {
            result.complete(List.of(ForecastedWindow.ended(r)));
            return;
        }
        if (service == null || r.history.length / ResourceVector.SIZE < minHistory) {
            baselineForecasts.inc();
            result.complete(
                    List.of(
                            ForecastedWindow.of(
                                    r, assessor.baselineForecast(r), assessor.baselineVersion())));
            return;
        }
        service.forecast(r.steps())
                .whenComplete(
                        (forecast, error) -> {
                            try {
                                if (error == null) {
                                    modelForecasts.inc();
                                    result.complete(
                                            List.of(
                                                    ForecastedWindow.of(
                                                            r,
                                                            assessor.complete(
                                                                    r, forecast.forecast()),
                                                            forecast.modelVersion())));
                                } else {
                                    result.complete(List.of(fallback(r, cause(error))));
                                }
                            } catch (RuntimeException e) {
                                result.completeExceptionally(e);
                            }
                        });
    }

    @Override
    public void timeout(ForecastRequest r, ResultFuture<ForecastedWindow> result) {
        result.complete(List.of(fallback(r, "the model did not answer in time")));
    }

    private ForecastedWindow fallback(ForecastRequest r, String why) {
        fallbacks.inc();
        return ForecastedWindow.of(
                r,
                assessor.baselineForecast(r),
                assessor.baselineVersion(),
                assessor.baselineVersion() + " stood in for the model: " + why);
    }

    private static String cause(Throwable error) {
        Throwable t =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() throws Exception {
        if (service != null) {
            service.close();
            service = null;
        }
    }
}
