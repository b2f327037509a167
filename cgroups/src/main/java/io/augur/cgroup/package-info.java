/**
 * Task cgroups of one node on cgroup v1 or v2: {@link io.augur.cgroup.TaskCgroups} (the managed
 * root) and {@link io.augur.cgroup.TaskCgroup} (one task's group). Every path derives from
 * constructor parameters, so the same code runs on {@code /sys/fs/cgroup} and on a fake tree.
 */
package io.augur.cgroup;
