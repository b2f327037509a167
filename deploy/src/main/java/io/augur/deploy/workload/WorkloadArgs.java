package io.augur.deploy.workload;

import java.net.InetSocketAddress;

/**
 * Positional arguments of a workload main: each optional, with a default and bounds. A bad value
 * prints the usage and exits 2, like every Augur main.
 */
final class WorkloadArgs {
    private final String usage;
    private final String[] args;

    WorkloadArgs(String usage, String[] args) {
        this.usage = usage;
        this.args = args;
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(usage);
            System.exit(0);
        }
    }

    /** Argument {@code i} as a whole number in [min, max], or {@code fallback} when absent. */
    long number(int i, long fallback, long min, long max, String name) {
        if (i >= args.length) {
            return fallback;
        }
        long v;
        try {
            v = Long.parseLong(args[i]);
        } catch (NumberFormatException e) {
            return fail(name + " must be a whole number, got '" + args[i] + "'");
        }
        if (v < min || v > max) {
            return fail(name + " must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** Argument {@code i} as text, or {@code fallback} when absent. */
    String text(int i, String fallback) {
        return i < args.length ? args[i] : fallback;
    }

    /**
     * Argument {@code i} as {@code HOST:PORT}, or {@code fallback} when absent; {@code
     * gateway:PORT} is the host's end of the task's own network (started by {@code ./augur run}).
     */
    InetSocketAddress hostPort(int i, String fallback, String name) {
        String value = text(i, fallback);
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            fail(name + " must be HOST:PORT, got '" + value + "'");
        }
        long port;
        try {
            port = Long.parseLong(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            fail(name + " must be HOST:PORT with a port in 1..65535, got '" + value + "'");
        }
        String host = value.substring(0, colon);
        if (host.equals(OrderService.GATEWAY)) {
            // Started by ./augur run: the host end of the task's veth pair.
            host = System.getenv(OrderService.GATEWAY_ENV);
            if (host == null || host.isBlank()) {
                fail(
                        name
                                + " gateway:PORT needs "
                                + OrderService.GATEWAY_ENV
                                + " (set by ./augur run): not started in a sandbox");
            }
        }
        return InetSocketAddress.createUnresolved(host, (int) port);
    }

    private long fail(String message) {
        System.err.println(message);
        System.err.println(usage);
        System.exit(2);
        return 0;
    }
}
