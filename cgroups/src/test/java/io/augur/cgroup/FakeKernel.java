package io.augur.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A fake cgroup kernel over a plain directory tree: creating a group fills in the control files its
 * hierarchy would have, {@code rmdir} removes them, {@code cgroup.kill} and SIGKILL empty the procs
 * files, and every write is recorded.
 */
class FakeKernel extends CgroupFs.HostCgroupFs implements ProcessSignals {
    final Path base;
    final List<String> writes = new ArrayList<>();
    final List<Long> killed = new ArrayList<>();

    FakeKernel(Path base) {
        this.base = base;
    }

    /** A v1 layout with cpu and cpuacct as separate mounts, like this machine. */
    static FakeKernel v1(Path base) {
        FakeKernel k = new FakeKernel(base);
        for (String c : List.of("cpu", "cpuacct", "memory", "pids", "blkio", "freezer")) {
            k.mkdirs(base.resolve(c));
        }
        put(base.resolve("cpu/cpu.cfs_period_us"), "100000");
        return k;
    }

    /** A unified hierarchy offering the given controllers. */
    static FakeKernel v2(Path base, String controllers) {
        FakeKernel k = new FakeKernel(base);
        k.mkdirs(base);
        put(base.resolve("cgroup.controllers"), controllers);
        put(base.resolve("cgroup.subtree_control"), "");
        return k;
    }

    @Override
    public void mkdirs(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        super.mkdirs(dir);
        put(dir.resolve("cgroup.procs"), "");
        String hierarchy = base.relativize(dir).getName(0).toString();
        if (dir.equals(base) || Files.exists(base.resolve("cgroup.controllers"))) {
            v2Files(dir);
            return;
        }
        switch (hierarchy) {
            case "cpu" -> {
                put(dir.resolve("cpu.cfs_period_us"), "100000");
                put(dir.resolve("cpu.cfs_quota_us"), "-1");
                put(dir.resolve("cpu.shares"), "1024");
            }
            case "cpuacct" -> put(dir.resolve("cpuacct.usage"), "0");
            case "memory" -> {
                put(dir.resolve("memory.limit_in_bytes"), "9223372036854771712");
                put(dir.resolve("memory.usage_in_bytes"), "0");
                put(dir.resolve("memory.stat"), "cache 0\nrss 0\ntotal_cache 0\ntotal_rss 0");
            }
            case "pids" -> {
                put(dir.resolve("pids.max"), "max");
                put(dir.resolve("pids.current"), "0");
            }
            case "blkio" -> put(dir.resolve("blkio.throttle.io_service_bytes"), "Total 0");
            case "freezer" -> put(dir.resolve("freezer.state"), "THAWED");
            default -> throw new IllegalArgumentException("unknown hierarchy " + hierarchy);
        }
    }

    private void v2Files(Path dir) {
        String offered = read(base.resolve("cgroup.controllers"));
        put(dir.resolve("cgroup.controllers"), offered);
        put(dir.resolve("cgroup.subtree_control"), "");
        put(dir.resolve("cgroup.kill"), "");
        put(dir.resolve("cgroup.freeze"), "0");
        put(dir.resolve("cpu.stat"), "usage_usec 0\nuser_usec 0\nsystem_usec 0");
        if (offered.contains("cpu")) {
            put(dir.resolve("cpu.max"), "max 100000");
            put(dir.resolve("cpu.weight"), "100");
        }
        if (offered.contains("memory")) {
            put(dir.resolve("memory.max"), "max");
            put(dir.resolve("memory.current"), "0");
            put(dir.resolve("memory.stat"), "anon 0\nfile 0");
        }
        if (offered.contains("pids")) {
            put(dir.resolve("pids.max"), "max");
            put(dir.resolve("pids.current"), "0");
        }
    }

    @Override
    public void write(Path file, String value) {
        writes.add(base.relativize(file) + "=" + value);
        String name = file.getFileName().toString();
        if (name.equals("cgroup.procs")) {
            String old = read(file);
            super.write(file, old.isEmpty() ? value : old + "\n" + value);
        } else if (name.equals("cgroup.kill")) {
            put(file.resolveSibling("cgroup.procs"), "");
        } else {
            super.write(file, value);
        }
    }

    @Override
    public void rmdir(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (Files.isDirectory(p) && !p.equals(dir)) {
                    throw new IllegalStateException("rmdir of a group with children: " + dir);
                }
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the pid leaves every procs file. */
    @Override
    public void kill(long pid) {
        killed.add(pid);
        try (Stream<Path> files = Files.walk(base)) {
            for (Path procs :
                    files.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                String kept =
                        String.join(
                                "\n",
                                read(procs)
                                        .lines()
                                        .filter(l -> !l.equals(Long.toString(pid)))
                                        .toList());
                put(procs, kept);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void put(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
