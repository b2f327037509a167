package io.augur.actuator.net;

/**
 * One allowed destination of a task: an IPv4 network and optionally one port (TCP and UDP). Written
 * {@code A.B.C.D[/N][:PORT]}.
 *
 * @param network the network's first address
 * @param prefixLength 0..32 (32 for a single address)
 * @param port 1..65535, or 0 for every port and protocol
 */
public record Destination(String network, int prefixLength, int port) {

    public Destination {
        int a = AddressPool.parseAddress(network);
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException(
                    "prefix length must be in 0..32, got " + prefixLength);
        }
        if ((a & ~AddressPool.mask(prefixLength)) != 0) {
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
    public static Destination parse(String s) {
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
            return new Destination(rest, prefix, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bad destination '" + s + "' (expected A.B.C.D[/N][:PORT]): " + e.getMessage());
        }
    }

    public String cidr() {
        return network + "/" + prefixLength;
    }

    @Override
    public String toString() {
        return cidr() + (port == 0 ? "" : ":" + port);
    }
}
