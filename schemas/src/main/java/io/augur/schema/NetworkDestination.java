package io.augur.schema;

/**
 * One entry of a network allow-list, the syntax of {@code EnforcementDecision.networkAllowList},
 * the launcher's {@code --allow} and the policy's {@code network-allow-list}: an IPv4 network and
 * optionally one port (TCP and UDP), written {@code A.B.C.D[/N][:PORT]}. One parser for all of
 * them, here with the contract, so a decision the functions accept is one the enforcer accepts.
 *
 * @param network the network's first address
 * @param prefixLength 0..32 (32 for a single address)
 * @param port 1..65535, or 0 for every port and protocol
 */
public record NetworkDestination(String network, int prefixLength, int port) {

    public NetworkDestination {
        int a = parseAddress(network);
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException(
                    "prefix length must be in 0..32, got " + prefixLength);
        }
        if ((a & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException(
                    network
                            + "/"
                            + prefixLength
                            + " has host bits set (use the network's first address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, got " + port);
        }
    }

    /**
     * Parses {@code A.B.C.D[/N][:PORT]}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static NetworkDestination parse(String s) {
        String rest = s.strip();
        int port = 0;
        int colon = rest.indexOf(':');
        if (colon >= 0) {
            String p = rest.substring(colon + 1);
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in destination '" + s + "'");
            }
            if (port < 1) {
                throw new IllegalArgumentException("port must be in 1..65535 in '" + s + "'");
            }
            rest = rest.substring(0, colon);
        }
        int prefix = 32;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(rest.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in destination '" + s + "'");
            }
            rest = rest.substring(0, slash);
        }
        try {
            return new NetworkDestination(rest, prefix, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bad destination '" + s + "' (expected A.B.C.D[/N][:PORT]): " + e.getMessage());
        }
    }

    /** The network mask of a prefix length, as an int. */
    public static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    /**
     * A dotted IPv4 address as an int.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static int parseAddress(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
        }
        int a = 0;
        for (String p : parts) {
            int v;
            try {
                v = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
            }
            if (v < 0 || v > 255 || p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
            }
            a = (a << 8) | v;
        }
        return a;
    }

    public String cidr() {
        return network + "/" + prefixLength;
    }

    @Override
    public String toString() {
        return cidr() + (port == 0 ? "" : ":" + port);
    }
}
