package io.augur.jobs.pipeline;

import io.augur.jobs.forecast.DjlRuntime;
import io.augur.jobs.forecast.MicroBatcher;
import io.augur.jobs.sequence.CallScore;
import io.augur.jobs.sequence.CallScorer;
import io.augur.jobs.sequence.DjlNextCallModel;
import io.augur.jobs.sequence.History;
import io.augur.jobs.sequence.NextCallModel;
import io.augur.jobs.sequence.SequenceModelRegistry;
import io.augur.jobs.sequence.SequenceSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each invocation with its role's next-call model: requests from all the subtask's tasks are
 * batched into one forward pass per model ({@link MicroBatcher}: micro-batches bounded by size and
 * time, inference threads of their own) behind Flink's async I/O operator, whose in-flight requests
 * are part of every checkpoint — so a restore re-scores exactly the calls not yet scored, and
 * nothing twice. The registry is checked for newer versions every poll interval (hot reload). A
 * call whose role has no model and no {@code default} model is passed on unscored (counted); a
 * model failure fails the request (and so the job, which restarts from its checkpoint).
 */
public final class NextCallFn extends RichAsyncFunction<CallToScore, ScoredCall> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(NextCallFn.class);

    private final SequenceSettings settings;

    private transient SequenceModelRegistry registry;
    private transient MicroBatcher<CallToScore, ScoredCall> batcher;
    private transient ScheduledExecutorService watcher;
    private transient Counter scored;
    private transient Counter unscored;

    public NextCallFn(SequenceSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        DjlRuntime.configure(settings.intraOpThreads());
        registry =
                SequenceModelRegistry.open(
                        Path.of(settings.modelDir()),
                        SequenceModelRegistry.windowAtMost(
                                settings.historyLength(), DjlNextCallModel::load));
        var metrics = getRuntimeContext().getMetricGroup();
        scored = metrics.counter("sequenceCallsScored");
        unscored = metrics.counter("sequenceCallsUnscored");
        batcher =
                new MicroBatcher<>(
                        "augur-next-call",
                        settings.maxBatch(),
                        settings.maxDelay(),
                        settings.inferenceThreads(),
                        () -> this::scoreBatch);
        metrics.gauge("sequenceBatches", batcher::batches);
        watcher =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "augur-sequence-model-watcher");
                            t.setDaemon(true);
                            return t;
                        });
        long poll = settings.pollInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::reloadQuietly, poll, poll, TimeUnit.MILLISECONDS);
    }

    private void reloadQuietly() {
        try {
            registry.reload();
        } catch (IOException | RuntimeException e) {
            LOG.debug("sequence model directory check failed", e);
        }
    }

    /** One micro-batch, on an inference thread: one forward pass per model in the batch. */
    List<ScoredCall> scoreBatch(List<CallToScore> batch) {
        return score(registry, settings.topGOverride(), batch);
    }

    /**
     * Scores a batch with the registry's models, one forward pass per model. Also the benchmark's
     * "operator path" core.
     *
     * @param topGOverride g of the DeepLog view, or 0 for each model's own
     */
    public static List<ScoredCall> score(
            SequenceModelRegistry registry, int topGOverride, List<CallToScore> batch) {
        ScoredCall[] out = new ScoredCall[batch.size()];
        Map<NextCallModel, List<Integer>> byModel = new IdentityHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            CallToScore c = batch.get(i);
            try {
                byModel.computeIfAbsent(registry.forRole(c.role, c.kind), m -> new ArrayList<>())
                        .add(i);
            } catch (NoSuchElementException e) {
                out[i] = ScoredCall.unscored(c, e.getMessage());
            }
        }
        for (Map.Entry<NextCallModel, List<Integer>> group : byModel.entrySet()) {
            NextCallModel model = group.getKey();
            List<Integer> idx = group.getValue();
            int h = model.metadata().window();
            long[][] histories = new long[idx.size()][];
            for (int j = 0; j < idx.size(); j++) {
                histories[j] = History.ids(batch.get(idx.get(j)).history, model.vocabulary(), h);
            }
            float[][] p;
            try {
                p = model.nextCallProbabilities(histories);
            } catch (IllegalStateException closed) {
                // Replaced by a newer version between lookup and pass: score with the newer one.
                List<CallToScore> retry = new ArrayList<>(idx.size());
                for (int i : idx) {
                    retry.add(batch.get(i));
                }
                List<ScoredCall> again = scoreWithCurrent(registry, topGOverride, retry);
                for (int j = 0; j < idx.size(); j++) {
                    out[idx.get(j)] = again.get(j);
                }
                continue;
            }
            int g = topGOverride > 0 ? topGOverride : model.metadata().topG();
            double max = model.metadata().maxScore();
            String version = model.qualifiedVersion();
            for (int j = 0; j < idx.size(); j++) {
                CallToScore c = batch.get(idx.get(j));
                CallScore s = CallScorer.score(p[j], c.name, model.vocabulary(), g, max);
                out[idx.get(j)] = ScoredCall.of(c, s, g, max, version);
            }
        }
        return List.of(out);
    }

    private static List<ScoredCall> scoreWithCurrent(
            SequenceModelRegistry registry, int topGOverride, List<CallToScore> batch) {
        return score(registry, topGOverride, batch);
    }

    @Override
    public void asyncInvoke(CallToScore c, ResultFuture<ScoredCall> result) {
        batcher.submit(c)
                .whenComplete(
                        (s, error) -> {
                            if (error != null) {
                                result.completeExceptionally(error);
                                return;
                            }
                            if (s.unscored != null) {
                                unscored.inc();
                            } else {
                                scored.inc();
                            }
                            result.complete(List.of(s));
                        });
    }

    @Override
    public void close() throws Exception {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (batcher != null) {
            batcher.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
