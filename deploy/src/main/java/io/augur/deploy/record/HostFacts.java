package io.augur.deploy.record;

import io.augur.collector.LocalNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the manifest says about the machine a recording was made on. */
final class HostFacts {
    private HostFacts() {}

    /** This host's node id, as the collector names it. */
    static String node() {
        return LocalNode.id();
    }

    static Map<String, Object> collect() {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("node", node());
        host.put("os", System.getProperty("os.name"));
        host.put("kernel", System.getProperty("os.version"));
        host.put("arch", System.getProperty("os.arch"));
        host.put("processors", Runtime.getRuntime().availableProcessors());
        host.put("memory_bytes", memTotal(Path.of("/proc/meminfo")));
        host.put("java", System.getProperty("java.version"));
        return host;
    }

    /** MemTotal of /proc/meminfo in bytes, null when unknown. */
    static Long memTotal(Path meminfo) {
        try {
            List<String> lines = Files.readAllLines(meminfo);
            for (String line : lines) {
                if (line.startsWith("MemTotal:")) {
                    String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * The host's load averages over 1, 5 and 15 minutes ("0.52 0.61 0.70"), null when unknown: a
     * busy host slows CPU-bound workloads, so the manifest keeps it with every run.
     */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The effective user id of this process from /proc/self/status, null when unknown. */
    static Long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
