package io.augur.deploy.demo;

import io.augur.cgroup.TaskCgroup;
import io.augur.launch.JavaProcess;
import io.augur.launch.ModuleClasspath;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a workload main of this module the way a node runs a task: in a session of its own, inside
 * the task's cgroup from its first instruction (a shell joins every controller's group, then execs
 * the JVM, so the returned process is the workload's JVM itself), its output appended to a log.
 * Used by the recorder; the demo starts its workloads through the sandbox launcher ({@link
 * WorkloadLauncher}) with the same {@link #javaCommand}.
 */
public final class TaskProcess {

    /** JVM flags that keep a workload's own start-up cost small. */
    public static final List<String> WORKLOAD_JVM =
            List.of(
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Xss512k",
                    "-Xmx3g",
                    "-Xshare:auto");

    private TaskProcess() {}

    /**
     * The command that runs {@code mainClass} (a class of this module) with {@code args} in a JVM
     * of its own: this JVM's {@code java}, {@link #WORKLOAD_JVM}, then {@code jvmFlags}.
     */
    public static List<String> javaCommand(
            String mainClass, List<String> args, List<String> jvmFlags) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(WORKLOAD_JVM);
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(ModuleClasspath.of("deploy").split(File.pathSeparator)[0]);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Starts {@code mainClass} (a class of this module) with {@code args} inside {@code group}.
     *
     * @param jvmFlags flags added after {@link #WORKLOAD_JVM} (e.g. {@code -Djava.io.tmpdir=..})
     * @param log the file stdout and stderr are appended to (its folder is created)
     */
    public static Process start(
            TaskCgroup group, String mainClass, List<String> args, List<String> jvmFlags, Path log)
            throws IOException {
        List<String> command = new ArrayList<>(JavaProcess.ownSession());
        command.add("/bin/sh");
        command.add("-c");
        // Join every controller's group, then become the workload.
        command.add(
                "n=$1; shift; i=0; while [ $i -lt $n ]; do echo $$ > \"$1\" || exit 97; shift;"
                        + " i=$((i+1)); done; exec \"$@\"");
        command.add("augur-task");
        List<Path> procs = group.procsFiles();
        command.add(Integer.toString(procs.size()));
        procs.forEach(p -> command.add(p.toString()));
        command.addAll(javaCommand(mainClass, args, jvmFlags));
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }
}
