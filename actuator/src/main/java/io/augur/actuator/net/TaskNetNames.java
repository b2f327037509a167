package io.augur.actuator.net;

import io.augur.cgroup.TaskIds;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The kernel names of one task's network, all derived from its task id so that any process (the
 * launcher, the enforcer, a cleanup after a crash) finds them again without shared state. Interface
 * names are limited to 15 bytes by the kernel ({@code IFNAMSIZ - 1}), so they carry 13 hex digits
 * of the id's SHA-256 instead of the id itself.
 *
 * @param taskId the task
 * @param namespace the named network namespace ({@code /run/netns/augur-task-ID})
 * @param hostInterface the host end of the veth pair ({@code av} + hash)
 * @param peerInterface the task end's name until it is moved and renamed {@code eth0}
 * @param ingressInterface the ifb device that shapes the task's outgoing traffic ({@code ai} +
 *     hash)
 * @param filterTable the nftables table ({@code inet}) holding the task's allow-list
 */
public record TaskNetNames(
        String taskId,
        String namespace,
        String hostInterface,
        String peerInterface,
        String ingressInterface,
        String filterTable) {

    /** The name of the task's interface inside its namespace. */
    public static final String TASK_INTERFACE = "eth0";

    /** Prefix of every namespace this launcher creates. */
    public static final String NAMESPACE_PREFIX = "augur-task-";

    public static TaskNetNames of(String taskId) {
        TaskIds.requireValid(taskId);
        String hash = hash(taskId);
        String host = "av" + hash;
        return new TaskNetNames(
                taskId, NAMESPACE_PREFIX + taskId, host, "aw" + hash, "ai" + hash, "augur_" + host);
    }

    /**
     * The nftables table ({@code inet}) holding a decision's restriction of the allow-list, beside
     * the launch allow-list's {@link #filterTable}.
     */
    public String restrictionTable() {
        return "augur_ar" + hostInterface.substring(2);
    }

    /** 13 hex digits of SHA-256: 52 bits, so two live tasks practically never collide. */
    static String hash(String taskId) {
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(taskId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 13);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
