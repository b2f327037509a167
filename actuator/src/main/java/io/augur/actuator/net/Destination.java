package io.augur.actuator.net;

import io.augur.schema.NetworkDestination;

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
        new NetworkDestination(network, prefixLength, port); // validates: one syntax
    }

    /**
     * Parses {@code A.B.C.D[/N][:PORT]} ({@link NetworkDestination#parse}, the contract's parser).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Destination parse(String s) {
        NetworkDestination d = NetworkDestination.parse(s);
        return new Destination(d.network(), d.prefixLength(), d.port());
    }

    public String cidr() {
        return network + "/" + prefixLength;
    }

    @Override
    public String toString() {
        return cidr() + (port == 0 ? "" : ":" + port);
    }
}
