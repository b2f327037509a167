package io.augur.workload.orders;

/**
 * A JVM task with a known call sequence, run under the agent by the invocation ITs: two orders, the
 * second on a thread of its own, each {@code placeOrder → validate → charge → ship}. The card
 * number is the secret that must never leave the process.
 */
public final class OrderService {
    static final String CARD = "4111111111111111";

    private final PaymentGateway payments = new PaymentGateway();
    private final Shipping shipping = new Shipping();

    public static void main(String[] args) throws InterruptedException {
        OrderService service = new OrderService();
        service.placeOrder("order-1", CARD, 3);
        Thread worker = new Thread(() -> service.placeOrder("order-2", CARD, 3), "order-worker");
        worker.start();
        worker.join();
        System.out.println("ORDERS DONE");
    }

    void placeOrder(String id, String card, int quantity) {
        validate(id, quantity);
        payments.charge(card, quantity * 1000L);
        shipping.ship(id, Shipping.Carrier.EXPRESS);
    }

    private void validate(String id, int quantity) {
        if (id.isEmpty() || quantity <= 0) {
            throw new IllegalArgumentException("bad order");
        }
    }
}
