package io.augur.functions.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.augur.functions.AugurFunctions;
import io.augur.functions.DecisionObserver;
import io.augur.functions.FunctionsConfig;
import io.augur.functions.policy.Policy;
import io.augur.functions.policy.PolicyCheckMain;
import io.augur.functions.policy.PolicyException;
import io.augur.functions.policy.PolicyFile;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.statefun.sdk.java.handler.RequestReplyHandler;
import org.apache.flink.statefun.sdk.java.slice.Slice;
import org.apache.flink.statefun.sdk.java.slice.Slices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Augur's remote functions at {@code /statefun} over the JDK's HTTP server with the SDK's
 * {@link RequestReplyHandler}, and (optionally) Prometheus metrics at {@code /metrics}.
 */
public final class FunctionServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionServer.class);
    public static final String PATH = "/statefun";

    private final HttpServer server;
    private final ExecutorService executor;
    private final io.prometheus.client.exporter.HTTPServer metrics;
    private final ScheduledExecutorService policyWatch;
    private final Supplier<Policy> policies;

    private FunctionServer(
            HttpServer server,
            ExecutorService executor,
            io.prometheus.client.exporter.HTTPServer metrics,
            ScheduledExecutorService policyWatch,
            Supplier<Policy> policies) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.policyWatch = policyWatch;
        this.policies = policies;
    }

    /** How often a policy file is checked for changes. */
    static final Duration POLICY_CHECK = Duration.ofSeconds(1);

    /**
     * Starts serving the functions of {@code config} as {@code options} say.
     *
     * @throws PolicyException when the policy file is invalid
     */
    public static FunctionServer start(ServerOptions options, Clock clock)
            throws IOException, PolicyException {
        CollectorRegistry registry = new CollectorRegistry();
        DecisionObserver observer =
                options.metricsPort().isPresent()
                        ? new PrometheusDecisionObserver(registry)
                        : DecisionObserver.NONE;
        Supplier<Policy> policies;
        ScheduledExecutorService policyWatch = null;
        if (options.policyFile().isPresent()) {
            PolicyFile file = PolicyFile.open(options.policyFile().get());
            PolicyMetrics policyMetrics = new PolicyMetrics(registry);
            policyMetrics.inForce(file.get());
            policyWatch =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "policy-watch");
                                t.setDaemon(true);
                                return t;
                            });
            policyWatch.scheduleWithFixedDelay(
                    () -> policyMetrics.reloaded(file.refresh(), file.get()),
                    POLICY_CHECK.toMillis(),
                    POLICY_CHECK.toMillis(),
                    TimeUnit.MILLISECONDS);
            policies = file;
        } else {
            Policy fixed = Policy.of(options.settings(), "command-line");
            policies = () -> fixed;
        }
        FunctionsConfig config =
                new FunctionsConfig(policies, options.nodeCapacity(), clock, observer);
        io.prometheus.client.exporter.HTTPServer metrics = null;
        if (options.metricsPort().isPresent()) {
            metrics =
                    new io.prometheus.client.exporter.HTTPServer(
                            new InetSocketAddress(
                                    options.bindAddress(), options.metricsPort().getAsInt()),
                            registry,
                            true);
        }
        RequestReplyHandler handler = AugurFunctions.create(config).requestReplyHandler();
        HttpServer server =
                HttpServer.create(new InetSocketAddress(options.bindAddress(), options.port()), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext(PATH, exchange -> serve(handler, exchange));
        server.start();
        return new FunctionServer(server, executor, metrics, policyWatch, policies);
    }

    /** The policy in force now. */
    public Policy policy() {
        return policies.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL the runtime's module.yaml must point to. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port() + PATH);
    }

    private static void serve(RequestReplyHandler handler, HttpExchange exchange)
            throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] request;
            try (InputStream in = exchange.getRequestBody()) {
                request = in.readAllBytes();
            }
            byte[] response;
            try {
                Slice reply = handler.handle(Slices.wrap(request)).join();
                response = reply.toByteArray();
            } catch (RuntimeException e) {
                // The runtime retries and, if it keeps failing, restarts from its checkpoint.
                LOG.error("request-reply invocation failed", e);
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, response.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        }
    }

    @Override
    public void close() {
        if (policyWatch != null) {
            policyWatch.shutdownNow();
        }
        server.stop(1);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    public static void main(String[] args) {
        Optional<ServerOptions> options;
        try {
            options = ServerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(ServerOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.isEmpty()) {
            System.out.println(ServerOptions.USAGE);
            return;
        }
        FunctionServer server;
        try {
            server = start(options.get(), Clock.systemUTC());
        } catch (PolicyException e) {
            System.err.println("error: invalid policy:");
            e.problems().forEach(System.err::println);
            System.exit(2);
            return;
        } catch (IOException e) {
            LOG.error("cannot start the function server", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    LOG.info("shutting down");
                                    server.close();
                                },
                                "functions-shutdown"));
        LOG.info(
                "serving augur.fn/* with policy {}, node capacity {}",
                PolicyCheckMain.describe(server.policy()),
                options.get().nodeCapacity());
        System.out.println("FUNCTIONS READY " + server.url());
        System.out.flush();
    }
}
