package io.augur.actuator.net;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Pure operations on allow-lists ({@link Destination} lists; null = every destination). */
public final class Destinations {

    /** The decision allow-list that lifts a restriction: every IPv4 destination, every port. */
    public static final Destination EVERYWHERE = new Destination("0.0.0.0", 0, 0);

    private Destinations() {}

    /**
     * Parses each entry ({@code A.B.C.D[/N][:PORT]}, {@link Destination#parse}).
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static List<Destination> parse(List<String> entries) {
        List<Destination> out = new ArrayList<>(entries.size());
        for (String e : entries) {
            if (e == null) {
                throw new IllegalArgumentException("null destination");
            }
            out.add(Destination.parse(e));
        }
        return out;
    }

    /** The strings a list is written as, in order (null stays null). */
    public static List<String> format(List<Destination> list) {
        return list == null ? null : list.stream().map(Destination::toString).toList();
    }

    /**
     * The destinations allowed by both lists: a connection passes when each list has an entry
     * covering it. CIDR blocks either nest or are disjoint, and a port is one port or all, so the
     * intersection is again a finite list: for each pair, the narrower block with the narrower
     * port, when both overlap. Null (every destination) is the identity; the result is null only
     * when both are null.
     */
    public static List<Destination> intersection(List<Destination> a, List<Destination> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Set<Destination> out = new LinkedHashSet<>();
        for (Destination x : a) {
            for (Destination y : b) {
                Destination narrower = x.prefixLength() >= y.prefixLength() ? x : y;
                Destination wider = narrower == x ? y : x;
                if (!covers(wider, narrower.network())) {
                    continue;
                }
                int port;
                if (x.port() == 0 || y.port() == 0 || x.port() == y.port()) {
                    port = Math.max(x.port(), y.port());
                } else {
                    continue;
                }
                out.add(new Destination(narrower.network(), narrower.prefixLength(), port));
            }
        }
        return List.copyOf(out);
    }

    /** Whether {@code d}'s block contains {@code address}. */
    static boolean covers(Destination d, String address) {
        int mask = AddressPool.mask(d.prefixLength());
        return (AddressPool.parseAddress(address) & mask)
                == (AddressPool.parseAddress(d.network()) & mask);
    }

    /** Whether the list lifts a restriction (it allows every IPv4 destination and port). */
    public static boolean liftsRestriction(List<Destination> list) {
        return list != null && list.contains(EVERYWHERE);
    }
}
