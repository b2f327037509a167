package io.augur.workload.orders;

final class PaymentGateway {
    private long charged;

    void charge(String card, long cents) {
        charged += cents + card.length();
    }
}
