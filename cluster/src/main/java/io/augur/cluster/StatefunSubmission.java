package io.augur.cluster;

import io.augur.statefun.ModuleDefinition;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code ./augur statefun submit}: the official StateFun 3.3.0 distribution on a Flink 1.16 cluster
 * ({@code ./augur cluster up --statefun}), with Augur's module.yaml ({@link ModuleDefinition}:
 * Kafka ingress and exactly-once egresses at {@code --bootstrap}, the function endpoint at {@code
 * --functions}, the separately running function server).
 *
 * <p>The distribution's {@code StatefulFunctionsJob} merges its program arguments over the
 * cluster's configuration when it reads StateFun's settings, so {@code
 * --statefun.remote.module-name file:///...} is how one cluster runs a module of one's choice. The
 * module is read where the job is built (JobManager) and again where it runs (TaskManagers): the
 * file must be at that path on each host — here, one machine.
 */
final class StatefunSubmission {

    /** The official distribution's entry class (its jar's Main-Class). */
    static final String ENTRY_CLASS = "org.apache.flink.statefun.flink.core.StatefulFunctionsJob";

    static final String JOB_NAME = "augur-statefun";
    static final String DISTRIBUTION = "statefun-flink-distribution-3.3.0.jar";

    private StatefunSubmission() {}

    static int submit(ClusterMain.Parsed p, PrintStream out, PrintStream err)
            throws ClusterMain.UsageException, IOException {
        String bootstrap = p.options().get("bootstrap");
        String functions = p.options().get("functions");
        if (bootstrap == null || functions == null) {
            throw new ClusterMain.UsageException(
                    "statefun submit needs --bootstrap HOST:PORT and --functions URL");
        }
        if (!bootstrap.matches("[^:/,\\s]+:\\d+(,[^:/,\\s]+:\\d+)*")) {
            throw new ClusterMain.UsageException(
                    "--bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
        }
        if (!functions.matches("https?://\\S+")) {
            throw new ClusterMain.UsageException(
                    "--functions must be the function server's http(s) URL, e.g."
                            + " http://127.0.0.1:8000/statefun, got '"
                            + functions
                            + "'");
        }
        int parallelism = p.integer("parallelism", 1);
        Path jar = jar(p);
        Path module = writeModule(p.dir().resolve("modules"), bootstrap, functions);
        List<String> args = programArgs(module);
        FlinkRest rest = new FlinkRest(ClusterMain.jobManager(p));
        err.println("module " + module + ": kafka " + bootstrap + ", functions " + functions);
        err.println("uploading " + jar + " to http://" + rest.address());
        String jarId = rest.uploadJar(jar);
        err.println("running " + ENTRY_CLASS + " " + String.join(" ", args));
        String job =
                rest.runJar(jarId, ENTRY_CLASS, args, parallelism, p.options().get("savepoint"));
        rest.awaitRunning(job, Duration.ofMinutes(2));
        ClusterMain.record(p.dir(), job, args, parallelism, ENTRY_CLASS);
        out.println("JOB RUNNING " + job);
        return 0;
    }

    /** What the distribution's main gets: StateFun settings it merges over the cluster's. */
    static List<String> programArgs(Path module) {
        return List.of(
                "--statefun.remote.module-name",
                module.toUri().toString(),
                "--statefun.flink-job-name",
                JOB_NAME);
    }

    /**
     * Writes the module under a name of its content: a running job re-reads its module on every
     * restart, so a later submission with other addresses must not change the file under it.
     */
    static Path writeModule(Path dir, String bootstrap, String functions) throws IOException {
        String yaml = ModuleDefinition.render(bootstrap, functions);
        String name;
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(yaml.getBytes(StandardCharsets.UTF_8));
            name = "module-" + HexFormat.of().formatHex(digest, 0, 6) + ".yaml";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(name).toAbsolutePath();
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    static Path jar(ClusterMain.Parsed p) throws ClusterMain.UsageException {
        if (p.options().containsKey("jar")) {
            Path jar = Path.of(p.options().get("jar"));
            if (!Files.isRegularFile(jar)) {
                throw new ClusterMain.UsageException("--jar " + jar + ": no such file");
            }
            return jar;
        }
        Path jar = ClusterMain.home().resolve("statefun-dist/target").resolve(DISTRIBUTION);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "no StateFun distribution at "
                            + jar
                            + ": ./augur build (or mvn -pl statefun-dist package) first");
        }
        return jar;
    }
}
