package io.augur.deploy.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.launch.AugurHome;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The shipped Grafana dashboard, read as Grafana reads it: panels, their targets' PromQL. */
record GrafanaDashboard(Path file, JsonNode json) {

    /** One query of one panel. */
    record Query(String panel, String refId, String expr) {
        /**
         * The expression as Prometheus sees it: Grafana replaces {@code $__rate_interval} (at least
         * four scrape intervals) before it sends a query.
         */
        String promql() {
            return expr.replace("$__rate_interval", "1m");
        }
    }

    static GrafanaDashboard shipped() throws IOException {
        Path file = AugurHome.resolve().resolve("deploy/grafana/augur-loop.json");
        return new GrafanaDashboard(file, new ObjectMapper().readTree(file.toFile()));
    }

    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        json.path("panels").forEach(panels::add);
        return panels;
    }

    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(
                        new Query(
                                panel.path("title").asText(),
                                target.path("refId").asText(),
                                target.path("expr").asText()));
            }
        }
        return queries;
    }
}
