package io.augur.actuator.net;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a task's network may do. Each field is one control; together they are the whole state (an
 * effector applies a policy by replacing what was in force).
 *
 * @param enabled false: the link is down, nothing passes either way
 * @param bandwidthBytesPerSecond shaping rate in each direction, or null for unshaped
 * @param allowList destinations the task may open connections to (everything else is dropped), or
 *     null for every destination: the launcher's {@code --allow}, fixed for the task's life
 * @param restriction a decision's allow-list, enforced on top of {@code allowList} (a connection
 *     must pass both, so a restriction never widens what the task was launched with), or null for
 *     none
 */
public record NetworkPolicy(
        boolean enabled,
        Long bandwidthBytesPerSecond,
        List<Destination> allowList,
        List<Destination> restriction) {

    public NetworkPolicy {
        if (bandwidthBytesPerSecond != null && bandwidthBytesPerSecond < 1) {
            throw new IllegalArgumentException(
                    "bandwidth must be positive, got " + bandwidthBytesPerSecond);
        }
        allowList = allowList == null ? null : List.copyOf(allowList);
        restriction = restriction == null ? null : List.copyOf(restriction);
    }

    /** Without a decision's restriction. */
    public NetworkPolicy(
            boolean enabled, Long bandwidthBytesPerSecond, List<Destination> allowList) {
        this(enabled, bandwidthBytesPerSecond, allowList, null);
    }

    /** Everything allowed, unshaped: a new task's network. */
    public static NetworkPolicy open() {
        return new NetworkPolicy(true, null, null);
    }

    /** No traffic at all. */
    public static NetworkPolicy off() {
        return new NetworkPolicy(false, null, null);
    }

    public NetworkPolicy withBandwidth(long bytesPerSecond) {
        return new NetworkPolicy(enabled, bytesPerSecond, allowList, restriction);
    }

    public NetworkPolicy withAllowList(List<Destination> destinations) {
        return new NetworkPolicy(enabled, bandwidthBytesPerSecond, destinations, restriction);
    }

    public NetworkPolicy withRestriction(List<Destination> destinations) {
        return new NetworkPolicy(enabled, bandwidthBytesPerSecond, allowList, destinations);
    }

    public OptionalLong bandwidth() {
        return bandwidthBytesPerSecond == null
                ? OptionalLong.empty()
                : OptionalLong.of(bandwidthBytesPerSecond);
    }

    public Optional<List<Destination>> allowed() {
        return Optional.ofNullable(allowList);
    }

    /**
     * The destinations a connection may go to under both lists, or null when neither restricts (see
     * {@link Destinations#intersection}).
     */
    public List<Destination> effectiveAllowList() {
        return Destinations.intersection(allowList, restriction);
    }
}
