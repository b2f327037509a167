package io.augur.cgroup;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What v1 and v2 share: the managed root, task ids as child directories, create / find / list, and
 * destroy = kill everything, wait until empty, remove the directories.
 */
abstract class ManagedRoot implements TaskCgroups {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedRoot.class);

    /** How long the kernel gets to empty a group after its processes were killed. */
    static final Duration KILL_GRACE = Duration.ofSeconds(15);

    protected final String rootName;
    protected final Clock clock;
    protected final CgroupFs fs;
    protected final ProcessSignals signals;

    ManagedRoot(String rootName, Clock clock, CgroupFs fs, ProcessSignals signals) {
        if (!TaskIds.isValid(rootName)) {
            throw new IllegalArgumentException(
                    "cgroup root name: " + TaskIds.problem(rootName).replace("task id", "name"));
        }
        this.rootName = rootName;
        this.clock = clock;
        this.fs = fs;
        this.signals = signals;
    }

    /** The root directory in every hierarchy used (v1: one per controller, v2: one). */
    abstract List<Path> rootDirs();

    /** Prepares the root (create it, delegate controllers). */
    abstract void ensureRoot();

    /** A handle on a task's group (existing or not). */
    abstract Group group(String taskId);

    /** A handle on the child group {@code sub} of a task's group (existing or not). */
    abstract Group group(String taskId, String sub);

    /** Kills every process of the group and returns once it is empty. */
    abstract void killAll(Group group);

    /** Writes the root's CPU weight for {@code cpuCores} busy processes; 0 when it has none. */
    abstract long writeRootWeight(double cpuCores);

    @Override
    public long weighRoot(double cpuCores) {
        if (!(cpuCores > 0) || Double.isInfinite(cpuCores)) {
            throw new IllegalArgumentException("cpuCores must be positive: " + cpuCores);
        }
        ensureRoot();
        long weight = writeRootWeight(cpuCores);
        LOG.info("managed root {}: cpu weight {} ({} cores)", rootName, weight, cpuCores);
        return weight;
    }

    @Override
    public String rootName() {
        return rootName;
    }

    @Override
    public TaskCgroup create(String taskId) {
        TaskIds.requireValid(taskId);
        ensureRoot();
        Group group = group(taskId);
        for (Path dir : group.dirs()) {
            fs.mkdirs(dir);
        }
        group.prepare();
        return group;
    }

    @Override
    public Optional<TaskCgroup> find(String taskId) {
        TaskIds.requireValid(taskId);
        Group group = group(taskId);
        return fs.exists(group.dirs().get(0)) ? Optional.of(group) : Optional.empty();
    }

    @Override
    public List<String> taskIds() {
        List<String> ids = new ArrayList<>();
        for (String name : fs.childDirs(rootDirs().get(0))) {
            if (TaskIds.isValid(name)) {
                ids.add(name);
            } else {
                LOG.warn(
                        "skipping group '{}' under {}: not a task id",
                        TaskIds.printable(name),
                        rootDirs().get(0));
            }
        }
        return ids;
    }

    @Override
    public void destroy(String taskId) {
        TaskIds.requireValid(taskId);
        Group group = group(taskId);
        if (group.dirs().stream().noneMatch(fs::exists)) {
            return;
        }
        killAll(group);
        for (String sub : group.children()) {
            for (Path dir : group(taskId, sub).dirs()) {
                removeGroupDir(dir);
            }
        }
        for (Path dir : group.dirs()) {
            removeGroupDir(dir);
        }
        LOG.info("destroyed task group {}/{}", rootName, taskId);
    }

    @Override
    public void destroyRoot() {
        for (String taskId : taskIds()) {
            destroy(taskId);
        }
        for (Path dir : rootDirs()) {
            if (!fs.childDirs(dir).isEmpty()) {
                throw new IllegalStateException(
                        "cannot remove "
                                + dir
                                + ": it still holds groups that are not tasks: "
                                + fs.childDirs(dir));
            }
            removeGroupDir(dir);
        }
    }

    /** Where the group's {@code cgroup.procs} are, in every hierarchy, its children's included. */
    List<Path> procsFilesBelow(Group group) {
        List<Path> files = new ArrayList<>(group.procsFiles());
        if (group.sub == null) {
            for (String sub : group.children()) {
                files.addAll(group(group.taskId, sub).procsFiles());
            }
        }
        return files;
    }

    /** Checks that a task's directory stays directly under its root, whatever the id. */
    static Path childDir(Path root, String taskId) {
        Path dir = root.resolve(taskId).normalize();
        if (!root.normalize().equals(dir.getParent())) {
            throw new IllegalArgumentException(
                    "task id '" + TaskIds.printable(taskId) + "' leaves the managed root " + root);
        }
        return dir;
    }

    /** cgroupfs may answer EBUSY for a moment after the last process left; retry briefly. */
    private void removeGroupDir(Path dir) {
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (true) {
            try {
                fs.rmdir(dir);
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause();
            }
        }
    }

    /** Reads the processes of every procs file; the union, sorted. */
    List<Long> readPids(List<Path> procsFiles) {
        return readPids(procsFiles, fs::read);
    }

    static List<Long> readPids(
            List<Path> procsFiles, java.util.function.Function<Path, String> reader) {
        TreeSet<Long> pids = new TreeSet<>();
        for (Path procs : procsFiles) {
            String content;
            try {
                content = reader.apply(procs);
            } catch (GroupVanishedException e) {
                continue;
            }
            for (String line : content.split("\n")) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        }
        return new ArrayList<>(pids);
    }

    /** Polls until {@code pids} is empty; false when the grace period passed first. */
    static boolean awaitEmpty(Supplier<List<Long>> pids, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!pids.get().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a cgroup", e);
        }
    }

    /** One task's group: its directories, one per hierarchy. */
    abstract class Group implements TaskCgroup {
        protected final String taskId;

        /** The child group's name below the task's group; null for the task's group itself. */
        protected final String sub;

        /** Where sampling reads keep their files open; null: every read opens its file. */
        private HeldFiles held;

        Group(String taskId, String sub) {
            this.taskId = taskId;
            this.sub = sub;
        }

        /** The group's directory under a task directory of one hierarchy. */
        Path under(Path taskDir) {
            return sub == null ? taskDir : childDir(taskDir, sub);
        }

        @Override
        public List<Long> allPids() {
            return readPids(procsFilesBelow(this));
        }

        @Override
        public void killAll() {
            ManagedRoot.this.killAll(this);
        }

        @Override
        public TaskCgroup child(String name) {
            if (sub != null) {
                throw new IllegalArgumentException(this + " is a child group already");
            }
            if (!TaskIds.isValid(name)) {
                throw new IllegalArgumentException(
                        "child group name: " + TaskIds.problem(name).replace("task id", "name"));
            }
            Group g = group(taskId, name);
            for (Path dir : g.dirs()) {
                fs.mkdirs(dir);
            }
            g.prepare();
            return g;
        }

        @Override
        public List<String> children() {
            if (sub != null) {
                return List.of();
            }
            return fs.childDirs(dirs().get(0)).stream().filter(TaskIds::isValid).toList();
        }

        /** The group's directory in every hierarchy; the first is the one listed and checked. */
        abstract List<Path> dirs();

        /** Called once a new group's directories exist (v1: turns on disk accounting). */
        void prepare() {}

        @Override
        public String taskId() {
            return taskId;
        }

        @Override
        public List<Path> procsFiles() {
            return dirs().stream().map(d -> d.resolve("cgroup.procs")).toList();
        }

        @Override
        public void addProcess(long pid) {
            if (pid <= 0) {
                throw new IllegalArgumentException("not a pid: " + pid);
            }
            for (Path procs : procsFiles()) {
                fs.write(procs, Long.toString(pid));
            }
        }

        @Override
        public List<Long> pids() {
            return readPids(procsFiles());
        }

        @Override
        public void holdFilesIn(HeldFiles files) {
            // Only the kernel's files follow their group when it is removed (see HeldFiles).
            if (fs == CgroupFs.host()) {
                held = files;
            }
        }

        @Override
        public void releaseFiles() {
            if (held != null) {
                dirs().forEach(held::releaseUnder);
            }
        }

        @Override
        public List<Long> processes() {
            return readPids(procsFiles(), fs::read);
        }

        /**
         * A sampling read: through the held files when the group keeps them open. Never for {@code
         * cgroup.procs}: on cgroup v1 an open one keeps serving the process list it first built for
         * as long as it is re-read within about a second (the kernel's cached pidlist), so a task
         * sampled faster than that would never show a new process.
         */
        String readFile(Path file) {
            if (held == null) {
                return fs.read(file);
            }
            try {
                return held.read(file).trim();
            } catch (java.nio.file.NoSuchFileException e) {
                throw new GroupVanishedException(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + file, e);
            }
        }

        /** Reads a file of this group; null when only this file is missing (control absent). */
        String readOptional(Path dir, String file) {
            try {
                return readFile(dir.resolve(file));
            } catch (GroupVanishedException e) {
                if (!fs.exists(dir)) {
                    throw e;
                }
                return null;
            }
        }

        @Override
        public String toString() {
            return rootName + "/" + taskId + (sub == null ? "" : "/" + sub);
        }
    }
}
