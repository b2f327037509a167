package io.augur.workload.orders;

final class Shipping {
    enum Carrier {
        STANDARD,
        EXPRESS
    }

    private int shipped;

    void ship(String orderId, Carrier carrier) {
        shipped += orderId.length() + carrier.ordinal();
    }
}
