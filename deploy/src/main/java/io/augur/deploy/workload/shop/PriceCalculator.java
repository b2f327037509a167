package io.augur.deploy.workload.shop;

/** Prices an order: subtotal, the coupon's discount, then VAT. */
public final class PriceCalculator {
    private final CouponTemplates coupons;

    PriceCalculator(CouponTemplates coupons) {
        this.coupons = coupons;
    }

    /** The total in cents. */
    public long price(Order order) {
        long subtotal = order.unitCents * order.quantity;
        if (order.coupon != null) {
            subtotal = applyCoupon(subtotal, order.coupon);
        }
        return withVat(subtotal);
    }

    private long applyCoupon(long subtotal, String coupon) {
        int percent = coupons.discountPercent(coupon);
        return subtotal - subtotal * percent / 100;
    }

    private long withVat(long net) {
        return net + net * 20 / 100;
    }
}
