package io.augur.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.actuator.net.AddressPool;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The sink counts only the tasks: peers in the sandbox launcher's task address pool. */
class SinkPeerFilterTest {

    private static boolean admits(String address) throws Exception {
        return SinkPeerFilter.TASKS.admits(InetAddress.getByName(address));
    }

    @Test
    void theTasksPoolIsTheLaunchersOwn() {
        assertThat(SinkPeerFilter.TASKS.pool()).isEqualTo(AddressPool.DEFAULT);
        assertThat(SinkPeerFilter.TASKS).hasToString("10.231.0.0/16");
    }

    @Test
    void everyTaskEndOfThePoolIsAdmitted() throws Exception {
        AddressPool pool = AddressPool.DEFAULT;
        assertThat(admits(pool.link(0).taskAddress())).isTrue(); // 10.231.0.2
        assertThat(admits(pool.link(pool.blocks() - 1).taskAddress())).isTrue(); // 10.231.255.254
        assertThat(
                        admits(
                                pool.allocate("bulk-exfiltration-1-0e44ac", java.util.Set.of())
                                        .taskAddress()))
                .isTrue();
    }

    @Test
    void anyoneElseIsRefused() throws Exception {
        assertThat(admits("127.0.0.1")).as("loopback: no scenario sends over it").isFalse();
        assertThat(admits("10.230.255.254")).as("just below the pool").isFalse();
        assertThat(admits("10.232.0.2")).as("just above the pool").isFalse();
        assertThat(admits("192.168.1.7")).isFalse();
        assertThat(admits("203.0.113.9")).isFalse();
        assertThat(admits("::1")).as("IPv6: task links are IPv4 only").isFalse();
        assertThat(admits("fe80::1")).isFalse();
        AddressPool pool = AddressPool.DEFAULT;
        assertThat(admits(pool.link(0).hostAddress()))
                .as("a link's host end: this machine, e.g. a local process dialling a gateway")
                .isFalse();
        assertThat(admits("10.231.0.3")).as("a block's broadcast address").isFalse();
    }

    @Test
    void anIpv4MappedPeerOfADualStackSocketIsJudgedByItsIpv4Address() throws Exception {
        // Java hands such a peer over as an Inet4Address.
        assertThat(admits("::ffff:10.231.7.2")).isTrue();
        assertThat(admits("::ffff:192.168.1.7")).isFalse();
    }
}
