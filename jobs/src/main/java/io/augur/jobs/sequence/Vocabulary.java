package io.augur.jobs.sequence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's token ids: 0 is padding, 1 an unknown (out-of-vocabulary) call, {@code names[i]} has id
 * {@code i + 2}. Immutable.
 */
public final class Vocabulary {
    public static final long PADDING = 0;
    public static final long UNKNOWN = 1;

    private final List<String> names;
    private final Map<String, Long> ids;

    public Vocabulary(List<String> names) {
        this.names = List.copyOf(names);
        this.ids = new HashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            if (ids.put(names.get(i), (long) i + 2) != null) {
                throw new IllegalArgumentException("'" + names.get(i) + "' listed twice");
            }
        }
    }

    /** The id of {@code name}, {@link #UNKNOWN} when the model does not know it. */
    public long id(String name) {
        Long id = ids.get(name);
        return id == null ? UNKNOWN : id;
    }

    public boolean knows(String name) {
        return ids.containsKey(name);
    }

    /** V = names + 2: the length of the model's output. */
    public int size() {
        return names.size() + 2;
    }

    /** The name of {@code id}, {@code <pad>} or {@code <unknown>} for 0 and 1. */
    public String name(long id) {
        if (id == PADDING) {
            return "<pad>";
        }
        if (id == UNKNOWN || id < 0 || id >= size()) {
            return "<unknown>";
        }
        return names.get((int) id - 2);
    }
}
