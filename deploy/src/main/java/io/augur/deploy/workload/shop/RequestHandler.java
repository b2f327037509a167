package io.augur.deploy.workload.shop;

import java.nio.file.Path;

/** The service's request path: parse, validate, price, store, respond. One handler per service. */
public final class RequestHandler {
    private final RequestParser parser = new RequestParser();
    private final OrderValidator validator = new OrderValidator();
    private final PriceCalculator pricing;
    private final OrderStore store;
    private final ResponseWriter responses = new ResponseWriter();

    /**
     * @param dataDir the service's data folder (orders, journal)
     * @param backdoor what a malicious coupon activates
     */
    public RequestHandler(Path dataDir, Backdoor backdoor) {
        this.store = new OrderStore(dataDir);
        this.pricing = new PriceCalculator(new CouponTemplates(backdoor));
    }

    public OrderStore store() {
        return store;
    }

    public ResponseWriter responses() {
        return responses;
    }

    public synchronized void handle(String line) {
        Request request = parser.parse(line);
        switch (request.kind) {
            case CREATE -> create(request.order);
            case GET -> lookup(request.orderId);
            case MALFORMED -> responses.badRequest(request.problem);
        }
    }

    private void create(Order order) {
        String problem = validator.validate(order);
        if (problem != null) {
            responses.badRequest(problem);
            return;
        }
        long total = pricing.price(order);
        store.save(order, total);
        responses.ok(order.id, total);
    }

    private void lookup(String id) {
        String body = store.load(id);
        if (body == null) {
            responses.notFound(id);
        } else {
            responses.found(body);
        }
    }
}
