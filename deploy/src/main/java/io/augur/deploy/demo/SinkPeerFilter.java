package io.augur.deploy.demo;

import io.augur.actuator.net.AddressPool;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Who may send to a sink of the demo's or the recorder's ({@link ExfiltrationSink}, {@code
 * RecordingSink}): the tasks, that is peers whose address lies in the sandbox launcher's task
 * address pool (every task's {@code eth0} gets an address of a {@code /30} cut from it, and its
 * traffic to its gateway leaves from that address). Anyone else that can reach this machine while a
 * sink is open — another host, a local process over loopback — is refused, so it cannot change what
 * the sink reports. Pure.
 *
 * @param pool the addresses admitted
 */
public record SinkPeerFilter(AddressPool pool) {

    /** The launcher's own pool ({@code ./augur run} always cuts task links from it). */
    public static final SinkPeerFilter TASKS = new SinkPeerFilter(AddressPool.DEFAULT);

    /**
     * Whether a connection or datagram from {@code peer} is a task's and is counted: the task end
     * of one of the pool's links.
     */
    public boolean admits(InetAddress peer) {
        // A task's link is IPv4 only; an IPv4 peer of a dual-stack socket is an Inet4Address too.
        if (!(peer instanceof Inet4Address)) {
            return false;
        }
        // Only a link's task end: its host end (.1 of each /30) is this machine's, which a local
        // process would connect from when it dials a task's gateway address.
        int block = pool.blockOf(peer.getHostAddress());
        return block >= 0 && pool.link(block).taskAddress().equals(peer.getHostAddress());
    }

    @Override
    public String toString() {
        return pool.toString();
    }
}
