package io.augur.deploy.k8s;

import static io.augur.deploy.k8s.K8sManifests.list;
import static io.augur.deploy.k8s.K8sManifests.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.augur.launch.AugurHome;
import io.augur.launch.FreePorts;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * augur/functions built for real by {@code ./augur images build} (mmdebstrap base, buildah, OCI
 * archive) and run as deploy/k8s/functions.yaml runs it: the archive is unpacked with umoci, and
 * the manifest's command and arguments run in the image's root file system as the image's user, the
 * policy ConfigMap's file at the manifest's mount path; the function server answers on its port and
 * serves /metrics with the mounted policy.
 *
 * <p>Not through podman or crun: this VM refuses their containers (crun: setrlimit RLIMIT_NOFILE
 * and RLIMIT_NPROC "Operation not permitted" without CAP_SYS_RESOURCE, and "cgroups in hybrid mode
 * not supported"), so the root file system runs under chroot in a mount namespace of its own
 * (unshare, for its /proc), on the host's network and pid namespace, with free ports instead of
 * 8000 and 9401.
 *
 * <p>Opt-in (-Daugur.images=true, {@code ./augur test --images}): the base's mmdebstrap alone takes
 * minutes on a clean machine.
 */
@EnabledIfSystemProperty(named = "augur.images", matches = "true")
class ContainerImageIT {

    private static final long STARTED = System.nanoTime();

    private static void phase(String what) {
        System.err.printf(
                "[ContainerImageIT] +%.1f s %s%n", (System.nanoTime() - STARTED) / 1e9, what);
    }

    @Test
    void theFunctionsImageRunsTheManifestsCommandAndServes(@TempDir Path dir) throws Exception {
        Path home = AugurHome.resolve();
        Path out = dir.resolve("out");
        Path log = dir.resolve("build.log");
        Process build =
                new ProcessBuilder(
                                home.resolve("deploy/images/build-images.sh").toString(),
                                "--only",
                                "functions",
                                "--out",
                                out.toString())
                        .redirectError(log.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.PIPE)
                        .start();
        String printed = new String(build.getInputStream().readAllBytes()).trim();
        assertThat(build.waitFor(20, TimeUnit.MINUTES)).isTrue();
        assertThat(build.exitValue()).as("build log:\n%s", Files.readString(log)).isZero();
        Path archive = out.resolve("functions.oci.tar");
        assertThat(printed).isEqualTo(archive.toString());
        phase("built: " + Files.readString(log).replace('\n', ' '));

        // The archive as a user would receive it: an OCI layout holding augur/functions:VERSION.
        Path layout = Files.createDirectories(dir.resolve("layout"));
        run(dir, "tar", "-xf", archive.toString(), "-C", layout.toString());
        String version = versionOf(home);
        Path bundle = dir.resolve("bundle");
        run(
                dir,
                "umoci",
                "unpack",
                "--image",
                layout + ":augur/functions:" + version,
                bundle.toString());
        phase("unpacked with umoci");
        Path rootfs = bundle.resolve("rootfs");
        Map<String, Object> config =
                map(
                        new ObjectMapper()
                                .readValue(bundle.resolve("config.json").toFile(), Map.class));
        Map<String, Object> process = map(config.get("process"));
        Map<String, Object> user = map(process.get("user"));

        // What functions.yaml runs, with its policy ConfigMap at its mount path.
        K8sManifests m = K8sManifests.load(K8sManifestsTest.shippedDir());
        K8sManifests.Workload w =
                m.workloads().stream()
                        .filter(x -> x.doc().name().equals("augur-functions"))
                        .findFirst()
                        .orElseThrow();
        Map<String, Object> container = w.containers().get(0);
        Map<String, Object> pod = map(w.podSpec().get("securityContext"));
        assertThat(user.get("uid")).as("the image's user").isEqualTo(pod.get("runAsUser"));
        List<String> command = new ArrayList<>();
        list(container.get("command")).forEach(c -> command.add(c.toString()));
        int port = FreePorts.next();
        int metrics = FreePorts.next();
        List<String> args = new ArrayList<>();
        list(container.get("args")).forEach(a -> args.add(a.toString()));
        args.set(args.indexOf("--port") + 1, Integer.toString(port));
        args.set(args.indexOf("--metrics-port") + 1, Integer.toString(metrics));
        String policy = args.get(args.indexOf("--policy") + 1);
        String policyText =
                map(m.find("ConfigMap", "augur-policy").orElseThrow().body().get("data"))
                        .get("policy.yaml")
                        .toString();
        Path policyInImage = rootfs.resolve(policy.substring(1));
        Files.createDirectories(policyInImage.getParent());
        Files.writeString(policyInImage, policyText);
        command.addAll(args);

        List<String> env = new ArrayList<>(List.of("env", "-i"));
        list(process.get("env")).forEach(e -> env.add(e.toString()));
        // unshare: a mount namespace of its own, where proc is mounted into the root file system
        // (gone with the namespace). No --fork: unshare, sh, chroot and env each exec the next,
        // so the process this test holds is the server itself and its SIGTERM reaches it (a
        // forked child would outlive unshare: --kill-child's parent-death signal is cleared when
        // chroot --userspec changes the user). The image's /dev holds its own device nodes (null,
        // random, ...): nothing of the host's is mounted in.
        List<String> line =
                new ArrayList<>(
                        List.of(
                                "unshare",
                                "--mount",
                                "sh",
                                "-c",
                                "root=$1; ids=$2; shift 2; mount -t proc proc \"$root/proc\""
                                        + " && exec chroot --userspec=\"$ids\" \"$root\" \"$@\"",
                                "sh"));
        line.add(rootfs.toString());
        line.add(user.get("uid") + ":" + user.get("gid"));
        line.addAll(env);
        line.addAll(command);
        Path serverLog = dir.resolve("server.log");
        Process server =
                new ProcessBuilder(line)
                        .redirectErrorStream(true)
                        .redirectOutput(serverLog.toFile())
                        .start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (!Files.readString(serverLog).contains("FUNCTIONS READY")) {
                assertThat(server.isAlive())
                        .as("the server in the image:\n%s", Files.readString(serverLog))
                        .isTrue();
                assertThat(Instant.now())
                        .as("FUNCTIONS READY within 90 s:\n%s", Files.readString(serverLog))
                        .isBefore(deadline);
                Thread.sleep(200); // polling the log for readiness
            }
            phase("server ready in the image's root file system");
            try (Socket s = new Socket("127.0.0.1", port)) {
                assertThat(s.isConnected()).as("the statefun port accepts").isTrue();
            } catch (ConnectException e) {
                throw new AssertionError("nothing on --port " + port, e);
            }
            HttpResponse<String> scrape =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + metrics
                                                                    + "/metrics"))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            // The policy it runs is the ConfigMap's, read from the manifest's mount path.
            assertThat(scrape.body()).contains("augur_functions_policy_info{", "default-1");
            phase("/metrics answered with the mounted policy");
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            phase("stopped");
        }
        // The server itself got the SIGTERM: nothing listens any more.
        assertThat(listening(port)).as("the statefun port after the stop").isFalse();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "cmd", ".log");
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("%s:\n%s", List.of(command), Files.readString(log)).isZero();
    }

    private static String versionOf(Path home) throws IOException {
        java.util.regex.Matcher v =
                java.util.regex.Pattern.compile(
                                "<artifactId>augur-parent</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(Files.readString(home.resolve("pom.xml")));
        assertThat(v.find()).isTrue();
        return v.group(1);
    }
}
