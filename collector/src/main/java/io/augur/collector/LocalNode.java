package io.augur.collector;

import io.augur.cgroup.TaskIds;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The node id of this host, for whatever samples it (the collector, the recorder). */
public final class LocalNode {
    private LocalNode() {}

    /** This host's short name as a node id, or "local" when it is not a valid one. */
    public static String id() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            String shortName = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
            return TaskIds.isValid(shortName) ? shortName : "local";
        } catch (UnknownHostException e) {
            return "local";
        }
    }
}
