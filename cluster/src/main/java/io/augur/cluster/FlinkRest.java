package io.augur.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that submitting and upgrading a job need (the API of {@code
 * flink run}, without a Flink installation): upload and run a jar, read jobs, stop with a
 * savepoint. Errors carry Flink's own messages.
 */
public final class FlinkRest {

    /** A call Flink refused or could not answer. */
    public static final class RestException extends RuntimeException {
        RestException(String message) {
            super(message);
        }
    }

    /** A job as {@code /jobs/overview} lists it. */
    public record JobSummary(String id, String name, String state) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String address;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param address HOST:PORT of the JobManager's REST endpoint
     */
    public FlinkRest(String address) {
        if (!address.matches("[^:/\\s]+:\\d+")) {
            throw new IllegalArgumentException(
                    "--jobmanager must be HOST:PORT (the REST port, 8081 by default), got '"
                            + address
                            + "'");
        }
        this.address = address;
    }

    public String address() {
        return address;
    }

    /** Registered TaskManagers and total slots, or empty while the REST endpoint is not up. */
    public Optional<int[]> slots() {
        try {
            JsonNode o = get("/overview");
            return Optional.of(
                    new int[] {o.path("taskmanagers").asInt(), o.path("slots-total").asInt()});
        } catch (RestException e) {
            return Optional.empty();
        }
    }

    /**
     * Uploads a job jar; returns the id Flink gives it. The jar is streamed from disk (the StateFun
     * distribution is 107 MB).
     */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "augur-" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request =
                HttpRequest.newBuilder(uri("/jars/upload"))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofByteArray(head),
                                        HttpRequest.BodyPublishers.ofFile(jar),
                                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                        .build();
        JsonNode answer = send(request);
        String file = answer.path("filename").asText();
        if (file.isEmpty()) {
            throw new RestException("Flink accepted the upload but named no jar: " + answer);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs an uploaded jar's entry class (its main builds the job in the JobManager).
     *
     * @param savepoint the savepoint to start from, or null for a fresh start
     * @return the job id
     */
    public String runJar(
            String jarId, String entryClass, List<String> args, int parallelism, String savepoint) {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        body.putArray("programArgsList")
                .addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
        body.put("parallelism", parallelism);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
        }
        JsonNode answer = post("/jars/" + jarId + "/run", body);
        String job = answer.path("jobid").asText();
        if (job.isEmpty()) {
            throw new RestException("Flink ran the jar but returned no job id: " + answer);
        }
        return job;
    }

    public List<JobSummary> jobs() {
        List<JobSummary> jobs = new ArrayList<>();
        for (JsonNode j : get("/jobs/overview").path("jobs")) {
            jobs.add(
                    new JobSummary(
                            j.path("jid").asText(),
                            j.path("name").asText(),
                            j.path("state").asText()));
        }
        return jobs;
    }

    /** The job's details: state and vertices. */
    public JsonNode job(String jobId) {
        return get("/jobs/" + jobId);
    }

    /**
     * The metrics Flink's REST API lists for every vertex of a job ({@code GET
     * /jobs/:id/vertices/:vid/metrics}), as {@code SUBTASK.OPERATOR.GROUP.NAME} identifiers. The
     * JobManager fetches them from the TaskManagers every 10 s: a new job's come later.
     */
    public List<String> vertexMetrics(String jobId) {
        List<String> names = new ArrayList<>();
        for (JsonNode v : job(jobId).path("vertices")) {
            for (JsonNode m :
                    get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/metrics")) {
                names.add(m.path("id").asText());
            }
        }
        return names;
    }

    /**
     * Waits until the job is RUNNING with every task running (a job that is merely scheduled may
     * still fail to deploy).
     */
    public void awaitRunning(String jobId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode job = job(jobId);
            String state = job.path("state").asText();
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new RestException("job " + jobId + " is " + state + exceptions(jobId));
            }
            boolean allRunning = state.equals("RUNNING") && job.path("vertices").size() > 0;
            for (JsonNode v : job.path("vertices")) {
                allRunning &= v.path("status").asText().equals("RUNNING");
            }
            if (allRunning) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new RestException(
                        "job "
                                + jobId
                                + " is not running after "
                                + timeout.toSeconds()
                                + " s ("
                                + state
                                + ")"
                                + exceptions(jobId));
            }
            sleep(250);
        }
    }

    /** The job's latest failure: its first line and causes, or "" when it has none. */
    private String exceptions(String jobId) {
        try {
            JsonNode entries =
                    get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
            if (entries.isEmpty()) {
                return "";
            }
            return "; its latest failure:"
                    + reasons(
                            JSON.createArrayNode().add(entries.get(0).path("stacktrace").asText()));
        } catch (RestException e) {
            return "";
        }
    }

    /**
     * Stops the job with a savepoint (no drain: its windows and timers stay in the savepoint) and
     * waits for it.
     *
     * @return the savepoint's location
     */
    public String stopWithSavepoint(String jobId, Path targetDirectory, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", targetDirectory.toUri().toString());
        body.put("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        return awaitSavepoint(jobId, trigger, timeout);
    }

    /**
     * Takes a savepoint and cancels the job once it is complete ({@code cancel-job}), for jobs
     * whose sources cannot stop with a savepoint: StateFun 3.3's legacy Kafka consumer fails the
     * stop ({@code Handover$ClosedException}) and the savepoint with it. Waits for the savepoint.
     *
     * @return the savepoint's location
     */
    public String cancelWithSavepoint(String jobId, Path targetDirectory, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("target-directory", targetDirectory.toUri().toString());
        body.put("cancel-job", true);
        String trigger = post("/jobs/" + jobId + "/savepoints", body).path("request-id").asText();
        return awaitSavepoint(jobId, trigger, timeout);
    }

    private String awaitSavepoint(String jobId, String trigger, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if (status.path("status").path("id").asText().equals("COMPLETED")) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) {
                    throw new RestException(
                            "the savepoint of job "
                                    + jobId
                                    + " failed: "
                                    + op.path("failure-cause")
                                            .path("stack-trace")
                                            .asText(op.path("failure-cause").toString()));
                }
                return op.path("location").asText();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new RestException(
                        "the savepoint of job "
                                + jobId
                                + " did not complete within "
                                + timeout.toSeconds()
                                + " s");
            }
            sleep(250);
        }
    }

    /** The savepoint or checkpoint a job was started from, if any. */
    public Optional<String> restoredFrom(String jobId) {
        JsonNode restored = get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull()
                ? Optional.empty()
                : Optional.of(restored.path("external_path").asText());
    }

    /** Cancels a job (no savepoint). */
    public void cancel(String jobId) {
        send(
                HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                        .timeout(Duration.ofSeconds(30))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    private JsonNode get(String path) {
        return send(
                HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private JsonNode post(String path, JsonNode body) {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build());
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new RestException(
                    "no Flink JobManager answers at http://"
                            + address
                            + " (is the cluster up? ./augur cluster status)");
        } catch (IOException e) {
            throw new RestException(request.method() + " " + request.uri() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException("interrupted");
        }
        JsonNode json;
        try {
            json =
                    response.body().isBlank()
                            ? JSON.createObjectNode()
                            : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RestException(
                    request.method()
                            + " "
                            + request.uri().getPath()
                            + " answered "
                            + response.statusCode()
                            + " with no JSON: "
                            + response.body());
        }
        if (response.statusCode() / 100 != 2) {
            throw new RestException(
                    request.method()
                            + " "
                            + request.uri().getPath()
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + reasons(json.path("errors")));
        }
        return json;
    }

    /**
     * Flink's errors are whole stack traces: keep each one's first line and its causes, which say
     * what went wrong (a missing class, a bad argument, the job's own exception).
     */
    static String reasons(JsonNode errors) {
        StringBuilder out = new StringBuilder();
        for (JsonNode e : errors) {
            String[] lines = e.asText().split("\n");
            out.append("\n  ").append(lines[0]);
            for (String line : lines) {
                if (line.startsWith("Caused by: ")) {
                    out.append("\n  ").append(line);
                }
            }
        }
        return out.length() == 0 ? errors.toString() : out.toString();
    }

    private URI uri(String path) {
        return URI.create("http://" + address + "/v1" + path);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException("interrupted");
        }
    }
}
