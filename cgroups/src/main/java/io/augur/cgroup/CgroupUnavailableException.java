package io.augur.cgroup;

/**
 * A control this node's cgroups cannot offer: no usable hierarchy, or a controller that is not
 * mounted (v1) or not delegated to the managed root (v2). The message names what is missing.
 */
public final class CgroupUnavailableException extends IllegalStateException {
    public CgroupUnavailableException(String message) {
        super(message);
    }
}
