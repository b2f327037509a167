package io.augur.deploy.demo;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * Senders to a sink on loopback from a chosen source address: Linux routes all of 127.0.0.0/8 to
 * lo, so a client bound to 127.0.0.2 can stand for a task and one bound to 127.0.0.9 for a host
 * outside the pool, with no set-up.
 */
public final class LoopbackPeers {
    private LoopbackPeers() {}

    /**
     * Connects from {@code source}, writes {@code n} bytes and closes. A reset — even before the
     * connection is up, the sink being that quick — is how a refusing sink answers.
     */
    public static void tcpFrom(String source, int port, int n) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[n]);
        } catch (SocketException e) {
            // Reset by the sink.
        }
    }

    /** Sends one datagram of {@code n} bytes from {@code source}. */
    public static void udpFrom(String source, int port, int n) throws Exception {
        try (DatagramSocket s =
                new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0))) {
            s.send(new DatagramPacket(new byte[n], n, InetAddress.getLoopbackAddress(), port));
        }
    }
}
