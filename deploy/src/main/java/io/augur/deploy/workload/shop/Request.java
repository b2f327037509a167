package io.augur.deploy.workload.shop;

/** A parsed request: create an order, read one back, or a line the parser could not read. */
final class Request {
    enum Kind {
        CREATE,
        GET,
        MALFORMED
    }

    final Kind kind;
    final Order order;
    final String orderId;
    final String problem;

    private Request(Kind kind, Order order, String orderId, String problem) {
        this.kind = kind;
        this.order = order;
        this.orderId = orderId;
        this.problem = problem;
    }

    static Request create(Order order) {
        return new Request(Kind.CREATE, order, order.id, null);
    }

    static Request get(String orderId) {
        return new Request(Kind.GET, null, orderId, null);
    }

    static Request malformed(String problem) {
        return new Request(Kind.MALFORMED, null, null, problem);
    }
}
