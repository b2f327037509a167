package io.augur.cgroup;

/** Which cgroup hierarchy a node's task groups live in. */
public enum CgroupVersion {
    /** One hierarchy per controller (cpu, cpuacct, memory, pids, blkio, freezer ...). */
    V1,
    /** The unified hierarchy: one tree, controllers enabled through cgroup.subtree_control. */
    V2
}
