package io.augur.functions.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.augur.functions.AugurFunctions;
import io.augur.functions.DecisionObserver;
import io.augur.functions.FunctionsConfig;
import io.prometheus.client.CollectorRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    private FunctionServer(
            HttpServer server,
            ExecutorService executor,
            io.prometheus.client.exporter.HTTPServer metrics) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
    }

    /** Starts serving the functions of {@code config} as {@code options} say. */
    public static FunctionServer start(ServerOptions options, Clock clock) throws IOException {
        CollectorRegistry registry = new CollectorRegistry();
        DecisionObserver observer =
                options.metricsPort().isPresent()
                        ? new PrometheusDecisionObserver(registry)
                        : DecisionObserver.NONE;
        FunctionsConfig config =
                new FunctionsConfig(options.settings(), options.nodeCapacity(), clock, observer);
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
        return new FunctionServer(server, executor, metrics);
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
                "serving augur.fn/* with thresholds high {} medium {}, node capacity {}",
                options.get().settings().highThreshold(),
                options.get().settings().mediumThreshold(),
                options.get().nodeCapacity());
        System.out.println("FUNCTIONS READY " + server.url());
        System.out.flush();
    }
}
