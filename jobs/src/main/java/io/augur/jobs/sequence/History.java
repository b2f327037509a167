package io.augur.jobs.sequence;

import java.util.List;

/** The model's input for one call: the ids of the last h calls before it, left-padded with 0. */
public final class History {
    private History() {}

    /**
     * @param calls the calls before the one being scored, oldest first (only the last h count)
     * @param vocabulary the model's ids (an unknown name is 1)
     * @param h the model's window
     */
    public static long[] ids(List<String> calls, Vocabulary vocabulary, int h) {
        long[] out = new long[h];
        int n = Math.min(h, calls.size());
        int from = calls.size() - n;
        for (int i = 0; i < n; i++) {
            out[h - n + i] = vocabulary.id(calls.get(from + i));
        }
        return out;
    }

    /** As {@link #ids(List, Vocabulary, int)}, with the calls in an array. */
    public static long[] ids(String[] calls, Vocabulary vocabulary, int h) {
        return ids(List.of(calls), vocabulary, h);
    }
}
