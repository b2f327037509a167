package io.augur.deploy.workload.shop;

import java.nio.file.Path;
import java.util.List;

/** The periodic task: keeps the newest orders, trims the journal, reports a line of statistics. */
public final class Housekeeping {
    private final OrderStore store;
    private final ResponseWriter responses;
    private final int keepOrders;
    private long runs;

    public Housekeeping(OrderStore store, ResponseWriter responses, int keepOrders) {
        this.store = store;
        this.responses = responses;
        this.keepOrders = keepOrders;
    }

    public void run() {
        purgeOld();
        store.compactJournal(1000);
        if (++runs % 5 == 0) {
            reportStats();
        }
    }

    private void purgeOld() {
        List<Path> files = store.list();
        for (int i = 0; i < files.size() - keepOrders; i++) {
            store.delete(files.get(i));
        }
    }

    private void reportStats() {
        System.out.println(
                "housekeeping: "
                        + responses.responses()
                        + " responses, "
                        + responses.bytes()
                        + " bytes");
    }
}
