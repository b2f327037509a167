package io.augur.jobs.forecast;

import ai.djl.inference.Predictor;
import io.augur.jobs.profile.Forecast;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the newest model of a {@link ModelDirectory}: batched inference ({@link MicroBatcher}, one
 * DJL predictor per worker thread) and a watcher that swaps in a new version without a restart. A
 * new version that fails to load or disagrees with its metadata is refused and logged; the current
 * one keeps serving.
 */
public final class LstmForecastService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LstmForecastService.class);

    /**
     * How the service runs.
     *
     * @param modelDir the directory of versions (a path; a String so settings serialize)
     * @param level the interval level of the forecast band (0.8 or 0.9)
     * @param stepMs length of one forecast step (the job's window)
     * @param maxBatch most histories per forward pass
     * @param maxDelay longest wait for a batch to fill
     * @param threads inference threads (one predictor each)
     * @param intraOpThreads PyTorch intra-op threads (process-wide, first service wins)
     * @param pollInterval how often the directory is checked for a new version
     */
    public record Settings(
            String modelDir,
            double level,
            long stepMs,
            int maxBatch,
            Duration maxDelay,
            int threads,
            int intraOpThreads,
            Duration pollInterval)
            implements Serializable {
        public Settings {
            Objects.requireNonNull(modelDir, "modelDir");
            if (maxBatch < 1 || threads < 1 || intraOpThreads < 1 || stepMs < 1) {
                throw new IllegalArgumentException(
                        "need batch size, threads, intra-op threads and step >= 1");
            }
            if (pollInterval.isNegative() || pollInterval.isZero() || maxDelay.isNegative()) {
                throw new IllegalArgumentException("poll interval > 0 and batch delay >= 0");
            }
        }
    }

    /** One forecast and the model version that made it. */
    public record Result(String modelVersion, Forecast forecast) {}

    private final Settings settings;
    private final ModelDirectory directory;
    private final AtomicReference<LstmModel> current;
    private final MicroBatcher<List<double[]>, Result> batcher;
    private final ScheduledExecutorService watcher;
    private Path refusedDir;
    private Instant refusedCreatedAt;

    private LstmForecastService(Settings settings, LstmModel first) {
        this.settings = settings;
        this.directory = new ModelDirectory(Path.of(settings.modelDir()));
        this.current = new AtomicReference<>(first);
        this.batcher =
                new MicroBatcher<>(
                        "augur-forecast",
                        settings.maxBatch(),
                        settings.maxDelay(),
                        settings.threads(),
                        PredictorWorker::new);
        this.watcher =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "augur-model-watcher");
                            t.setDaemon(true);
                            return t;
                        });
        long poll = settings.pollInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::pollQuietly, poll, poll, TimeUnit.MILLISECONDS);
    }

    /**
     * Loads the newest version of {@code settings.modelDir()} and starts serving it.
     *
     * @throws IOException if the directory has no loadable version
     */
    public static LstmForecastService start(Settings settings) throws IOException {
        DjlRuntime.configure(settings.intraOpThreads());
        ModelDirectory dir = new ModelDirectory(Path.of(settings.modelDir()));
        Optional<ModelDirectory.Candidate> newest = dir.newest();
        if (newest.isEmpty()) {
            throw new IOException(
                    "no model version (a directory with model.pt and a valid metadata.json) in "
                            + settings.modelDir()
                            + "; see docs/forecaster-model.md");
        }
        LstmModel model = LstmModel.load(newest.get().dir(), settings.level());
        LOG.info("serving forecaster {} from {}", model.version(), model.directory());
        return new LstmForecastService(settings, model);
    }

    /** Forecasts one task from its history (oldest first, indexed by ResourceVector). */
    public CompletableFuture<Result> forecast(List<double[]> history) {
        return batcher.submit(history);
    }

    /** The version serving now. */
    public ModelMetadata metadata() {
        return current.get().metadata();
    }

    /** Forward passes and forecasts so far. */
    public long batches() {
        return batcher.batches();
    }

    public long forecasts() {
        return batcher.items();
    }

    /**
     * Checks the directory now (the watcher also does, every poll interval).
     *
     * @return whether a new version was swapped in
     */
    public synchronized boolean checkForNewVersion() throws IOException {
        Optional<ModelDirectory.Candidate> newest = directory.newest();
        if (newest.isEmpty()) {
            return false;
        }
        ModelDirectory.Candidate c = newest.get();
        LstmModel serving = current.get();
        if (c.dir().equals(serving.directory())
                && c.metadata().createdAt().equals(serving.metadata().createdAt())) {
            return false;
        }
        if (c.dir().equals(refusedDir) && c.metadata().createdAt().equals(refusedCreatedAt)) {
            return false;
        }
        LstmModel next;
        try {
            next = LstmModel.load(c.dir(), settings.level());
        } catch (IOException e) {
            refusedDir = c.dir();
            refusedCreatedAt = c.metadata().createdAt();
            LOG.warn(
                    "refused forecaster {} ({}); still serving {}",
                    c.metadata().version(),
                    e.getMessage(),
                    serving.version());
            throw e;
        }
        current.set(next);
        serving.release();
        LOG.info("forecaster {} replaces {}", next.version(), serving.version());
        return true;
    }

    private void pollQuietly() {
        try {
            checkForNewVersion();
        } catch (IOException | RuntimeException e) {
            // Logged in checkForNewVersion, or the directory is briefly unreadable.
            LOG.debug("model directory check failed", e);
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        batcher.close();
        LstmModel last = current.getAndSet(null);
        if (last != null) {
            last.release();
        }
    }

    /** One inference thread: its own predictor, renewed when the version changes. */
    private final class PredictorWorker implements MicroBatcher.Worker<List<double[]>, Result> {
        private LstmModel model;
        private Predictor<List<List<double[]>>, List<Forecast>> predictor;

        @Override
        public List<Result> process(List<List<double[]>> batch) throws Exception {
            acquireCurrent();
            List<Forecast> forecasts = predictor.predict(batch);
            List<Result> results = new ArrayList<>(forecasts.size());
            for (Forecast f : forecasts) {
                results.add(new Result(model.version(), f));
            }
            return results;
        }

        private void acquireCurrent() {
            while (true) {
                LstmModel latest = current.get();
                if (latest == null) {
                    throw new IllegalStateException("forecast service closed");
                }
                if (latest == model) {
                    return;
                }
                if (latest.tryRetain()) {
                    dropPredictor();
                    model = latest;
                    predictor = latest.newPredictor(settings.stepMs());
                    return;
                }
            }
        }

        private void dropPredictor() {
            if (predictor != null) {
                predictor.close();
                predictor = null;
            }
            if (model != null) {
                model.release();
                model = null;
            }
        }

        @Override
        public void close() {
            dropPredictor();
        }
    }
}
