package io.augur.jobs.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.schema.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code metadata.json} of one forecaster model version, as {@code docs/forecaster-model.md}
 * specifies it: what the model reads and returns, and how to normalise and calibrate.
 *
 * @param version the model version, written into every assessment
 * @param createdAt when it was exported (the newest version wins)
 * @param features the model's features, in tensor order
 * @param window input steps W
 * @param horizon output steps H
 * @param quantiles output quantiles, ascending, including 0.5
 * @param floors per feature, the normalisation floor (same order as features)
 * @param calibration80 per feature, the split-conformal offset of the 80 % interval
 * @param calibration90 per feature, the split-conformal offset of the 90 % interval
 */
public record ModelMetadata(
        String version,
        Instant createdAt,
        List<Resource> features,
        int window,
        int horizon,
        double[] quantiles,
        double[] floors,
        double[] calibration80,
        double[] calibration90) {

    /** The contract version this code reads. */
    public static final int FORMAT = 1;

    public static final String FILE_NAME = "metadata.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads and validates {@code dir/metadata.json}. */
    public static ModelMetadata read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates a metadata document. */
    public static ModelMetadata parse(JsonNode root) {
        int format = require(root, "format").asInt(-1);
        if (format != FORMAT) {
            throw new IllegalArgumentException(
                    "model format "
                            + format
                            + " is not supported (this build reads "
                            + FORMAT
                            + ")");
        }
        String version = require(root, "version").asText();
        if (version.isBlank()) {
            throw new IllegalArgumentException("empty version");
        }
        Instant createdAt;
        try {
            createdAt = Instant.parse(require(root, "createdAt").asText());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("createdAt is not an ISO-8601 instant", e);
        }
        List<Resource> features = new ArrayList<>();
        for (JsonNode f : require(root, "features")) {
            Resource r;
            try {
                r = Resource.valueOf(f.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown feature '" + f.asText() + "'");
            }
            if (features.contains(r)) {
                throw new IllegalArgumentException("feature " + r + " listed twice");
            }
            features.add(r);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no features");
        }
        int window = require(root, "window").asInt(0);
        int horizon = require(root, "horizon").asInt(0);
        if (window < 1 || horizon < 1) {
            throw new IllegalArgumentException("window and horizon must be >= 1");
        }
        double[] quantiles = doubles(require(root, "quantiles"), "quantiles");
        for (int i = 0; i < quantiles.length; i++) {
            if (!(quantiles[i] > 0 && quantiles[i] < 1)
                    || (i > 0 && quantiles[i] <= quantiles[i - 1])) {
                throw new IllegalArgumentException("quantiles must be ascending, in (0, 1)");
            }
        }
        for (double q : new double[] {0.05, 0.1, 0.5, 0.9, 0.95}) {
            if (indexOf(quantiles, q) < 0) {
                throw new IllegalArgumentException("quantiles must include " + q);
            }
        }
        JsonNode norm = require(root, "normalisation");
        if (!"window-mean-scale".equals(require(norm, "kind").asText())) {
            throw new IllegalArgumentException(
                    "normalisation kind '" + norm.path("kind").asText() + "' is not supported");
        }
        JsonNode floorNode = require(norm, "floor");
        double[] floors = new double[features.size()];
        for (int i = 0; i < floors.length; i++) {
            floors[i] = require(floorNode, features.get(i).name()).asDouble(-1);
            if (!(floors[i] > 0)) {
                throw new IllegalArgumentException("floor of " + features.get(i) + " must be > 0");
            }
        }
        JsonNode cal = require(root, "calibration");
        double[] c80 = doubles(require(cal, "0.8"), "calibration 0.8");
        double[] c90 = doubles(require(cal, "0.9"), "calibration 0.9");
        if (c80.length != features.size() || c90.length != features.size()) {
            throw new IllegalArgumentException("calibration needs one offset per feature");
        }
        return new ModelMetadata(
                version,
                createdAt,
                List.copyOf(features),
                window,
                horizon,
                quantiles,
                floors,
                c80,
                c90);
    }

    /** Index of quantile {@code q} in the model's output. */
    public int quantileIndex(double q) {
        int i = indexOf(quantiles, q);
        if (i < 0) {
            throw new IllegalArgumentException("the model has no quantile " + q);
        }
        return i;
    }

    /** Number of features F. */
    public int featureCount() {
        return features.size();
    }

    private static int indexOf(double[] values, double q) {
        for (int i = 0; i < values.length; i++) {
            if (Math.abs(values[i] - q) < 1e-9) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode require(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return v;
    }

    private static double[] doubles(JsonNode array, String what) {
        if (!array.isArray()) {
            throw new IllegalArgumentException(what + " must be an array");
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            if (!array.get(i).isNumber()) {
                throw new IllegalArgumentException(what + " must hold numbers");
            }
            out[i] = array.get(i).asDouble();
        }
        return out;
    }
}
