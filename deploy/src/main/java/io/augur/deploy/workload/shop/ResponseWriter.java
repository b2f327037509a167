package io.augur.deploy.workload.shop;

/** Writes responses to the connection (here: counts their bytes, the client discards them). */
public final class ResponseWriter {
    private long bytes;
    private long responses;

    public void ok(String id, long totalCents) {
        send("200 OK " + id + " total=" + totalCents);
    }

    public void found(String body) {
        send("200 OK " + body.strip());
    }

    public void notFound(String id) {
        send("404 Not Found " + id);
    }

    public void badRequest(String why) {
        send("400 Bad Request " + why);
    }

    private void send(String response) {
        bytes += response.length() + 2;
        responses++;
    }

    public synchronized long responses() {
        return responses;
    }

    public synchronized long bytes() {
        return bytes;
    }
}
