package io.augur.deploy.workload.shop;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads one request line: {@code POST /orders id=..&customer=..&sku=..&qty=..&unit=..[&coupon=..]}
 * or {@code GET /orders/ID}.
 */
public final class RequestParser {

    public Request parse(String line) {
        if (line == null || line.isBlank()) {
            return Request.malformed("empty request");
        }
        if (line.startsWith("GET /orders/")) {
            return Request.get(line.substring("GET /orders/".length()).trim());
        }
        if (!line.startsWith("POST /orders ")) {
            return Request.malformed("unknown request: " + line);
        }
        Map<String, String> fields = fields(line.substring("POST /orders ".length()));
        try {
            return Request.create(
                    new Order(
                            fields.getOrDefault("id", ""),
                            fields.getOrDefault("customer", ""),
                            fields.getOrDefault("sku", ""),
                            Integer.parseInt(fields.getOrDefault("qty", "0")),
                            Long.parseLong(fields.getOrDefault("unit", "0")),
                            fields.get("coupon")));
        } catch (NumberFormatException e) {
            return Request.malformed("bad number in " + line);
        }
    }

    private Map<String, String> fields(String query) {
        Map<String, String> out = new HashMap<>();
        for (String pair : query.trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }
}
