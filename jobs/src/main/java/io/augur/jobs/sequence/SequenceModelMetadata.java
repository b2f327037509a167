package io.augur.jobs.sequence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code metadata.json} of one next-call model version, as the sequence model contract
 * (docs/sequence-model.md) specifies it.
 *
 * @param version the model version
 * @param role the role it serves ({@code default} is the fallback)
 * @param createdAt when it was exported (the newest version of a role wins)
 * @param kind SYSCALL, METHOD or LOGKEY: what the token names are
 * @param window h, the history length the model reads
 * @param vocabulary token names; vocabulary[i] has id i + 2 (0 padding, 1 unknown)
 * @param topG g of the DeepLog view
 * @param maxScore the anomaly of a call with p == 0 or outside the vocabulary, and the cap of 1/p
 * @param calibration the optional calibration object (null when absent)
 */
public record SequenceModelMetadata(
        String version,
        String role,
        Instant createdAt,
        String kind,
        int window,
        List<String> vocabulary,
        int topG,
        double maxScore,
        JsonNode calibration) {

    /** The {@code format} field's value. */
    public static final String FORMAT = "augur-sequence-model";

    /** The {@code formatVersion} this code reads. */
    public static final int FORMAT_VERSION = 1;

    public static final String FILE_NAME = "metadata.json";

    private static final Set<String> KINDS = Set.of("SYSCALL", "METHOD", "LOGKEY");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads and validates {@code dir/metadata.json}; errors name the file and the field. */
    public static SequenceModelMetadata read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": not a JSON object");
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses and validates a metadata document. */
    public static SequenceModelMetadata parse(JsonNode root) {
        String format = require(root, "format").asText();
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(
                    "field 'format' is '" + format + "', expected '" + FORMAT + "'");
        }
        JsonNode fv = require(root, "formatVersion");
        if (!fv.canConvertToInt() || fv.asInt() != FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "field 'formatVersion' is " + fv + ", this build reads " + FORMAT_VERSION);
        }
        String version = text(root, "version");
        String role = text(root, "role");
        Instant createdAt;
        try {
            createdAt = Instant.parse(text(root, "createdAt"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "field 'createdAt' is not an ISO-8601 instant: " + root.get("createdAt"));
        }
        String kind = text(root, "kind");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException(
                    "field 'kind' is '" + kind + "', expected one of SYSCALL, METHOD, LOGKEY");
        }
        int window = positiveInt(root, "window");
        JsonNode vocab = require(root, "vocabulary");
        if (!vocab.isArray() || vocab.isEmpty()) {
            throw new IllegalArgumentException(
                    "field 'vocabulary' must be a non-empty array of names");
        }
        List<String> names = new ArrayList<>(vocab.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < vocab.size(); i++) {
            JsonNode n = vocab.get(i);
            if (!n.isTextual() || n.asText().isEmpty()) {
                throw new IllegalArgumentException(
                        "field 'vocabulary' entry " + i + " is not a non-empty string: " + n);
            }
            if (!seen.add(n.asText())) {
                throw new IllegalArgumentException(
                        "field 'vocabulary' lists '" + n.asText() + "' twice");
            }
            names.add(n.asText());
        }
        int topG = positiveInt(root, "topG");
        JsonNode ms = require(root, "maxScore");
        double maxScore = ms.asDouble(Double.NaN);
        if (!ms.isNumber() || !(maxScore > 1) || Double.isInfinite(maxScore)) {
            throw new IllegalArgumentException(
                    "field 'maxScore' must be a finite number > 1, is " + ms);
        }
        JsonNode calibration = root.get("calibration");
        if (calibration != null && !calibration.isNull() && !calibration.isObject()) {
            throw new IllegalArgumentException("field 'calibration' must be an object");
        }
        return new SequenceModelMetadata(
                version,
                role,
                createdAt,
                kind,
                window,
                List.copyOf(names),
                topG,
                maxScore,
                calibration == null || calibration.isNull() ? null : calibration);
    }

    /** V: the model's output size (vocabulary plus padding and unknown). */
    public int outputSize() {
        return vocabulary.size() + 2;
    }

    /** A number in {@code calibration} (e.g. a floor of the window score), if present. */
    public Optional<Double> calibrationNumber(String field) {
        if (calibration == null) {
            return Optional.empty();
        }
        JsonNode v = calibration.get(field);
        return v != null && v.isNumber() ? Optional.of(v.asDouble()) : Optional.empty();
    }

    private static JsonNode require(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = require(node, field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static int positiveInt(JsonNode node, String field) {
        JsonNode v = require(node, field);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be an integer >= 1, is " + v);
        }
        return v.asInt();
    }
}
