package io.augur.jobs.profile;

import io.augur.schema.Resource;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The resource use a benign task of one role stays within: CPU in cores, memory in bytes, disk and
 * network in bytes per second, pids as a count. A resource without a bound is not scored.
 *
 * <p>Written as {@code cpu:0.6,memory:256mb,disk-read:50mb,disk-write:50mb,net-rx:5mb,net-tx:5mb,
 * pids:64}; sizes take b, kb, mb, gb (binary multiples, as Flink's {@code MemorySize}); disk and
 * network sizes are per second.
 */
public final class BenignEnvelope implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Map<String, Resource> KEYS =
            Map.of(
                    "cpu", Resource.CPU,
                    "memory", Resource.MEMORY,
                    "disk-read", Resource.DISK_READ,
                    "disk-write", Resource.DISK_WRITE,
                    "net-rx", Resource.NET_RX,
                    "net-tx", Resource.NET_TX,
                    "pids", Resource.PIDS);

    private final String role;
    private final double[] bounds;

    private BenignEnvelope(String role, double[] bounds) {
        this.role = role;
        this.bounds = bounds;
    }

    /** An envelope from bounds per resource ({@code NaN} or absent = not bounded). */
    public static BenignEnvelope of(String role, Map<Resource, Double> bounds) {
        double[] v = ResourceVector.unknown();
        bounds.forEach(
                (resource, bound) -> {
                    if (!(bound > 0)) {
                        throw new IllegalArgumentException(
                                "envelope of role " + role + ": " + resource + " must be > 0");
                    }
                    v[resource.ordinal()] = bound;
                });
        return new BenignEnvelope(role, v);
    }

    /**
     * Parses the {@code key:value} form (see the class comment).
     *
     * @throws IllegalArgumentException naming the unknown key or bad value
     */
    public static BenignEnvelope parse(String role, Map<String, String> spec) {
        double[] v = ResourceVector.unknown();
        spec.forEach(
                (key, value) -> {
                    Resource resource = KEYS.get(key.trim().toLowerCase(Locale.ROOT));
                    if (resource == null) {
                        throw new IllegalArgumentException(
                                "envelope of role "
                                        + role
                                        + ": unknown key '"
                                        + key
                                        + "' (expected one of "
                                        + KEYS.keySet()
                                        + ")");
                    }
                    double bound =
                            resource == Resource.CPU
                                    ? Double.parseDouble(value.trim())
                                    : parseSize(value);
                    if (!(bound > 0)) {
                        throw new IllegalArgumentException(
                                "envelope of role " + role + ": " + key + " must be > 0");
                    }
                    v[resource.ordinal()] = bound;
                });
        return new BenignEnvelope(role, v);
    }

    static double parseSize(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long multiplier = 1;
        String[][] units = {{"gb", "g"}, {"mb", "m"}, {"kb", "k"}, {"b", ""}};
        long[] factors = {1L << 30, 1L << 20, 1L << 10, 1};
        for (int i = 0; i < units.length; i++) {
            String unit = units[i][0];
            if (t.endsWith(unit)) {
                t = t.substring(0, t.length() - unit.length()).trim();
                multiplier = factors[i];
                break;
            }
            if (!units[i][1].isEmpty() && t.endsWith(units[i][1])) {
                t = t.substring(0, t.length() - 1).trim();
                multiplier = factors[i];
                break;
            }
        }
        try {
            return Double.parseDouble(t) * multiplier;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "'", e);
        }
    }

    public String role() {
        return role;
    }

    /** The bound for a resource, or {@code NaN} if it is not bounded. */
    public double bound(Resource resource) {
        return bounds[resource.ordinal()];
    }

    @Override
    public String toString() {
        return "BenignEnvelope{" + role + " " + Arrays.toString(bounds) + "}";
    }
}
