package io.augur.deploy.workload.shop;

/**
 * One order as the parser read it. Plain fields rather than a record: a record's accessors are
 * methods the agent would record on every read, which says nothing about what the service does.
 */
public final class Order {
    final String id;
    final String customer;
    final String sku;
    final int quantity;
    final long unitCents;
    final String coupon;

    Order(String id, String customer, String sku, int quantity, long unitCents, String coupon) {
        this.id = id;
        this.customer = customer;
        this.sku = sku;
        this.quantity = quantity;
        this.unitCents = unitCents;
        this.coupon = coupon;
    }
}
