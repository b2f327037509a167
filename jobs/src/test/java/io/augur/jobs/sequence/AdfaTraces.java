package io.augur.jobs.sequence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * ADFA-LD traces for the tests, with each i386 system-call number turned into the name the model
 * knows: the number itself (a model trained on ADFA-LD's numbers) or its name from {@code
 * unistd_32.h} (a model of Augur's roles, trained on names).
 */
public final class AdfaTraces {
    private static final Path UNISTD_32 = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_32.h");

    /** One trace: its name and its calls. */
    public record Trace(String name, List<String> calls) {}

    private AdfaTraces() {}

    /**
     * The first {@code limit} traces of an ADFA-LD TSV, named as {@code vocabulary} names calls.
     */
    public static List<Trace> read(Path tsv, int limit, Vocabulary vocabulary) throws IOException {
        List<Trace> raw = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(
                                new GZIPInputStream(Files.newInputStream(tsv)),
                                StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) {
                return raw;
            }
            String line;
            while ((line = r.readLine()) != null && raw.size() < limit) {
                String[] cols = line.split("\t");
                if (cols.length >= 3 && !cols[2].isBlank()) {
                    raw.add(new Trace(cols[1], List.of(cols[2].trim().split(" +"))));
                }
            }
        }
        Map<String, String> names = syscallNames();
        if (names.isEmpty()
                || knownShare(raw, vocabulary, Map.of()) >= knownShare(raw, vocabulary, names)) {
            return raw;
        }
        List<Trace> mapped = new ArrayList<>(raw.size());
        for (Trace t : raw) {
            List<String> calls = new ArrayList<>(t.calls().size());
            for (String c : t.calls()) {
                calls.add(names.getOrDefault(c, c));
            }
            mapped.add(new Trace(t.name(), calls));
        }
        return mapped;
    }

    private static double knownShare(List<Trace> traces, Vocabulary v, Map<String, String> names) {
        long known = 0;
        long all = 0;
        for (Trace t : traces) {
            for (String c : t.calls()) {
                all++;
                if (v.knows(names.getOrDefault(c, c))) {
                    known++;
                }
            }
        }
        return all == 0 ? 0 : (double) known / all;
    }

    /** i386 number → name, from unistd_32.h ({@code #define __NR_read 3}); empty without it. */
    static Map<String, String> syscallNames() throws IOException {
        Map<String, String> names = new HashMap<>();
        if (!Files.isRegularFile(UNISTD_32)) {
            return names;
        }
        Pattern p = Pattern.compile("#define __NR_(\\w+)\\s+(\\d+)");
        for (String line : Files.readAllLines(UNISTD_32)) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                names.put(m.group(2), m.group(1));
            }
        }
        return names;
    }

    /**
     * The window scores the job computes for {@code calls} replayed from a fresh history: mean
     * ln(1/p) over consecutive chunks of {@code window} calls.
     */
    public static double[] windowScores(NextCallModel model, List<String> calls, int window) {
        int h = model.metadata().window();
        long[][] histories = new long[calls.size()][];
        for (int i = 0; i < calls.size(); i++) {
            histories[i] = History.ids(calls.subList(Math.max(0, i - h), i), model.vocabulary(), h);
        }
        double[] perCall = new double[calls.size()];
        for (int from = 0; from < calls.size(); from += 512) {
            int to = Math.min(calls.size(), from + 512);
            long[][] batch = java.util.Arrays.copyOfRange(histories, from, to);
            float[][] p = model.nextCallProbabilities(batch);
            for (int j = 0; j < p.length; j++) {
                CallScore s =
                        CallScorer.score(
                                p[j],
                                calls.get(from + j),
                                model.vocabulary(),
                                model.metadata().topG(),
                                model.metadata().maxScore());
                perCall[from + j] = Math.log(Math.max(1, s.anomaly()));
            }
        }
        int n = (calls.size() + window - 1) / window;
        double[] out = new double[n];
        for (int w = 0; w < n; w++) {
            int from = w * window;
            int to = Math.min(calls.size(), from + window);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += perCall[i];
            }
            out[w] = sum / (to - from);
        }
        return out;
    }
}
