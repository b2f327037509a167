package io.augur.collector.bench.shop;

import io.augur.collector.bench.Spin;

/**
 * The agent benchmark's workload: orders through a small shop, 18 invocations of recorded methods
 * per order across five classes (customer, 4 × (sku, price, add), the enum's values(), total → tax,
 * discount, post), with Strings, primitives, an enum and objects as arguments. Every method also
 * spins {@code work} iterations, so the cost of a call can be chosen. Prints one {@code ROUND nanos
 * invocations} line per round.
 *
 * <p>Usage: {@code MethodHeavyWorkload ORDERS_PER_ROUND ROUNDS WORK}
 */
public final class MethodHeavyWorkload {
    static final int CALLS_PER_ORDER = 18;
    static int work;

    public static void main(String[] args) {
        int orders = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        work = Integer.parseInt(args[2]);
        Catalog catalog = new Catalog(1000);
        Pricing pricing = new Pricing();
        Ledger ledger = new Ledger();
        long check = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < orders; i++) {
                String customer = ledger.customer(i);
                Cart cart = new Cart();
                for (int k = 0; k < 4; k++) {
                    String sku = catalog.sku(i * 7 + k * 13);
                    cart.add(sku, k + 1, catalog.price(sku));
                }
                long total = pricing.total(cart, Region.values()[i % 3], customer);
                ledger.post(customer, total);
            }
            long nanos = System.nanoTime() - start;
            check += ledger.balance;
            System.out.println("ROUND " + nanos + " " + (long) orders * CALLS_PER_ORDER);
        }
        System.out.println("CHECK " + check);
    }

    enum Region {
        NORTH,
        SOUTH,
        WEST
    }

    static final class Catalog {
        private final String[] skus;
        private final java.util.Map<String, Long> prices = new java.util.HashMap<>();

        Catalog(int size) {
            skus = new String[size];
            for (int i = 0; i < size; i++) {
                skus[i] = "sku-" + i;
                prices.put(skus[i], 100L + (i * 37L) % 5000);
            }
        }

        String sku(int i) {
            return skus[Math.floorMod(i, skus.length)];
        }

        long price(String sku) {
            return prices.get(sku) + (Spin.spin(sku.length(), work) & 1);
        }
    }

    static final class Cart {
        final java.util.ArrayList<String> skus = new java.util.ArrayList<>(4);
        long subtotal;

        void add(String sku, int quantity, long cents) {
            skus.add(sku);
            subtotal += quantity * cents + (Spin.spin(cents, work) & 1);
        }
    }

    static final class Pricing {
        long total(Cart cart, Region region, String customer) {
            long sub = cart.subtotal;
            return sub + tax(sub, region) - discount(sub, customer) + (Spin.spin(sub, work) & 1);
        }

        long tax(long cents, Region region) {
            return cents * (5 + region.ordinal()) / 100 + (Spin.spin(cents, work) & 1);
        }

        long discount(long cents, String code) {
            return (code.endsWith("7") ? cents / 10 : 0) + (Spin.spin(cents, work) & 1);
        }
    }

    static final class Ledger {
        long balance;

        String customer(int i) {
            return "cust-" + (i % 1000) + (Spin.spin(i, work) & 1);
        }

        void post(String customer, long total) {
            balance += total + customer.length() + (Spin.spin(total, work) & 1);
        }
    }
}
