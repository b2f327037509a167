package io.augur.actuator.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's allow-list as an nftables table of its own ({@code inet augur_av…}) in the host
 * namespace, so the task cannot change it even as root inside its namespace. Its two base chains
 * (input: traffic to the host's own addresses; forward: traffic routed beyond the host) match only
 * packets arriving from the task's host-end interface: replies to connections the host opened are
 * accepted, connections to an allowed destination are accepted, the rest is dropped. Each accept
 * rule carries its destination as a comment, which is how {@link #read} reads the list back.
 */
final class NetworkFilters {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALLOW = "allow ";

    private NetworkFilters() {}

    /** The nftables script that replaces the task's table atomically. Pure. */
    static String script(TaskNetNames n, String table, List<Destination> allow) {
        String t = "inet " + table;
        String dev = "\"" + n.hostInterface() + "\"";
        StringBuilder rules = new StringBuilder();
        rules.append("    iifname ").append(dev).append(" ct direction reply accept\n");
        for (Destination d : allow) {
            rules.append("    iifname ").append(dev).append(" ip daddr ").append(d.cidr());
            if (d.port() != 0) {
                rules.append(" meta l4proto { tcp, udp } th dport ").append(d.port());
            }
            rules.append(" accept comment \"").append(ALLOW).append(d).append("\"\n");
        }
        rules.append("    iifname ").append(dev).append(" drop\n");
        StringBuilder s = new StringBuilder();
        // Declaring the table first makes the delete succeed when it does not exist yet.
        s.append("table ").append(t).append("\n");
        s.append("delete table ").append(t).append("\n");
        s.append("table ").append(t).append(" {\n");
        for (String hook : List.of("input", "forward")) {
            s.append("  chain ").append(hook).append(" {\n");
            s.append("    type filter hook ")
                    .append(hook)
                    .append(" priority filter; policy accept;\n");
            s.append(rules);
            s.append("  }\n");
        }
        s.append("}\n");
        return s.toString();
    }

    static void apply(TaskNetNames n, String table, List<Destination> allow) {
        String nft = SystemCommands.require("nft", "nftables").toString();
        SystemCommands.check(List.of(nft, "-f", "-"), script(n, table, allow));
    }

    /** The allow-list in force, or null when the task has no table (every destination). */
    static List<Destination> read(String table) {
        String nft = SystemCommands.require("nft", "nftables").toString();
        SystemCommands.Result r =
                SystemCommands.run(List.of(nft, "-j", "list", "table", "inet", table));
        if (!r.ok()) {
            if (r.stderr().contains("No such file")) {
                return null;
            }
            throw new NetworkCommandException(
                    "cannot read table " + table + ": " + r.stderr().strip());
        }
        try {
            List<Destination> allow = new ArrayList<>();
            for (JsonNode item : JSON.readTree(r.stdout()).path("nftables")) {
                JsonNode rule = item.path("rule");
                if (rule.path("chain").asText().equals("input")
                        && rule.path("comment").asText().startsWith(ALLOW)) {
                    allow.add(
                            Destination.parse(
                                    rule.path("comment").asText().substring(ALLOW.length())));
                }
            }
            return allow;
        } catch (IOException e) {
            throw new NetworkCommandException("cannot read 'nft -j' output: " + e.getMessage());
        }
    }

    /** Whether table {@code inet table} exists; false without nft. */
    static boolean exists(String table) {
        String nft;
        try {
            nft = SystemCommands.require("nft", "nftables").toString();
        } catch (NetworkCommandException e) {
            return false;
        }
        SystemCommands.Result r = SystemCommands.run(List.of(nft, "list", "table", "inet", table));
        if (r.ok()) {
            return true;
        }
        if (r.stderr().contains("No such file")) {
            return false;
        }
        throw new NetworkCommandException("cannot read table " + table + ": " + r.stderr().strip());
    }

    /** Removes the task's table; nothing happens when it (or nft) is not there. */
    static void removeTable(String table) {
        String nft;
        try {
            nft = SystemCommands.require("nft", "nftables").toString();
        } catch (NetworkCommandException e) {
            return; // without nft no table can exist
        }
        String t = "inet " + table;
        SystemCommands.check(List.of(nft, "-f", "-"), "table " + t + "\ndelete table " + t + "\n");
    }
}
