package io.augur.deploy.workload.shop;

import java.util.Set;

/** Checks an order before it is priced: ids, quantity bounds, a known SKU. */
public final class OrderValidator {
    static final Set<String> CATALOGUE =
            Set.of("book-001", "book-002", "lamp-010", "desk-100", "pen-007", "mug-042");

    /** Null when the order is acceptable, otherwise why not. */
    public String validate(Order order) {
        if (order.id.isEmpty() || order.customer.isEmpty()) {
            return "missing id or customer";
        }
        if (order.quantity < 1 || order.quantity > 100) {
            return "quantity out of range";
        }
        if (!inCatalogue(order.sku)) {
            return "unknown sku " + order.sku;
        }
        return null;
    }

    private boolean inCatalogue(String sku) {
        return CATALOGUE.contains(sku);
    }
}
