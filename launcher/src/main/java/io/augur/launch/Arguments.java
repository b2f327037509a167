package io.augur.launch;

import java.util.Map;

/**
 * A daemon's parsed {@code --name value} arguments with typed, validated access. Every failure is a
 * {@link UsageException} naming the flag, so each main reports bad input the same way.
 */
public final class Arguments {
    private final Map<String, String> values;

    Arguments(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The raw value, or null when the flag was not given. */
    public String get(String name) {
        return values.get(name);
    }

    public String getOrDefault(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** A value that must be given and not blank. */
    public String require(String name) throws UsageException {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw UsageException.bad("missing --" + name);
        }
        return value;
    }

    /** A whole number of at least {@code min}; {@code fallback} when the flag was not given. */
    public long longAtLeast(String name, long fallback, long min) throws UsageException {
        if (!has(name)) {
            return fallback;
        }
        long v;
        try {
            v = Long.parseLong(values.get(name));
        } catch (NumberFormatException e) {
            throw UsageException.bad(
                    "--" + name + " must be a whole number, got '" + values.get(name) + "'");
        }
        if (v < min) {
            throw UsageException.bad("--" + name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    /** A finite number above zero; {@code fallback} when the flag was not given. */
    public double positiveDouble(String name, double fallback) throws UsageException {
        if (!has(name)) {
            return fallback;
        }
        double v;
        try {
            v = Double.parseDouble(values.get(name));
        } catch (NumberFormatException e) {
            throw UsageException.bad(
                    "--" + name + " must be a number, got '" + values.get(name) + "'");
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw UsageException.bad("--" + name + " must be positive, got " + v);
        }
        return v;
    }

    /** A TCP port in 1..65535, or null when the flag was not given. */
    public Integer port(String name) throws UsageException {
        if (!has(name)) {
            return null;
        }
        long p = longAtLeast(name, 0, 1);
        if (p > 65535) {
            throw UsageException.bad("--" + name + " must be in 1..65535, got " + p);
        }
        return (int) p;
    }
}
