package io.augur.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.augur.launch.AugurHome;
import io.augur.schema.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * deploy/k8s parses, and its manifests agree with each other and with the code: topics with the
 * catalogue, images with the build's versions, Services and scrape ports with the ports the
 * processes are started with (by their own option parsers), the DaemonSets with what their options
 * point at, the PrometheusRule and the policy ConfigMap with the files they copy. Each check is
 * also run on a copy broken on purpose, which it must reject.
 */
class K8sManifestsTest {

    static Path shippedDir() {
        return AugurHome.resolve().resolve("deploy/k8s");
    }

    private static ManifestChecks shipped() throws IOException {
        return new ManifestChecks(K8sManifests.load(shippedDir()));
    }

    @Test
    void everyManifestParsesAsKubernetesResources() throws IOException {
        K8sManifests m = K8sManifests.load(shippedDir());
        assertThat(m.docs()).hasSizeGreaterThanOrEqualTo(25);
        for (K8sManifests.Doc d : m.docs()) {
            assertThat(d.body()).as(d.file().toString()).containsKeys("apiVersion", "kind");
            if (!d.kind().equals("Kustomization")) {
                assertThat(d.name()).as(d.where()).isNotBlank();
            }
        }
        assertThat(m.ofKind("DaemonSet")).hasSize(2);
        assertThat(m.ofKind("FlinkDeployment")).hasSize(1);
        assertThat(m.ofKind("KafkaTopic")).hasSameSizeAs(Topics.all());
    }

    @Test
    void everyCatalogueTopicHasItsKafkaTopic() throws IOException {
        assertThat(shipped().kafkaTopics()).isEmpty();
    }

    @Test
    void everyTopicNamedAnywhereIsInTheCatalogue() throws IOException {
        assertThat(shipped().topicNames()).isEmpty();
        assertThat(shipped().moduleIngress()).isEmpty();
    }

    @Test
    void everyComponentConnectsToTheTopicsCluster() throws IOException {
        assertThat(shipped().bootstrap()).isEmpty();
    }

    @Test
    void imagesAreTheBuildsVersions() throws IOException {
        assertThat(shipped().images()).isEmpty();
    }

    @Test
    void everyImageOfOursIsBuiltHereWithWhatItsPodRuns() throws IOException {
        assertThat(shipped().containerImages()).isEmpty();
    }

    @Test
    void servicesTargetPortsTheirPodsHave() throws IOException {
        assertThat(shipped().services()).isEmpty();
        assertThat(shipped().functionEndpoint()).isEmpty();
    }

    @Test
    void scrapedPortsAreTheProcessesMetricsPortsAndPrometheusYmls() throws IOException {
        assertThat(shipped().metrics()).isEmpty();
    }

    @Test
    void daemonSetsMountWhatTheirOptionsPointAtWithTheirPrivileges() throws IOException {
        assertThat(shipped().daemonSets()).isEmpty();
    }

    @Test
    void theProfilerRunsTheJobWithItsOwnOptions() throws IOException {
        assertThat(shipped().profiler()).isEmpty();
    }

    @Test
    void copiesEqualTheirSources() throws IOException {
        assertThat(shipped().prometheusRule()).isEmpty();
        assertThat(shipped().policy()).isEmpty();
    }

    @Test
    void fieldsTheApiServerTakesAsStringsAreStrings() throws IOException {
        assertThat(shipped().stringFields()).isEmpty();
    }

    @Test
    void kustomizationAndNamespacesCoverEverything() throws IOException {
        assertThat(shipped().kustomization()).isEmpty();
        assertThat(shipped().namespaces()).isEmpty();
    }

    /**
     * One change to a copy of the manifests; the check named must then report a problem that
     * mentions the given text.
     */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "kafka-topics.yaml|topicName: augur.risk|topicName: augur.rsik|kafkaTopics|augur.rsik",
                "kafka-topics.yaml|topicName: augur.tasks\\n  partitions: 4|topicName: augur.tasks\\n  partitions: 3|kafkaTopics|partitions",
                "kafka-topics.yaml|message.timestamp.type: LogAppendTime|message.timestamp.type: CreateTime|kafkaTopics|LogAppendTime",
                "statefun-runtime.yaml|- topic: augur.acks|- topic: augur.ack|topicNames|augur.ack",
                "statefun-runtime.yaml|valueType: augur.types/RiskAssessment|valueType: augur.types/TaskEvent|moduleIngress|augur.risk",
                "statefun-runtime.yaml|urlPathTemplate: http://augur-functions:8000/statefun|urlPathTemplate: http://augur-functions:8080/statefun|functionEndpoint|8080",
                "enforcer.yaml|augur-kafka-kafka-bootstrap.augur.svc:9092|kafka.augur.svc:9092|bootstrap|kafka.augur.svc",
                "enforcer.yaml|image: augur/enforcer:0.1.0-SNAPSHOT|image: augur/enforcer:0.0.9|images|augur/enforcer:0.0.9",
                "functions.yaml|targetPort: statefun|targetPort: statefn|services|statefn",
                "collector.yaml|- \"9403\"|- \"9499\"|metrics|9499",
                "functions.yaml|containerPort: 9401|containerPort: 9411|metrics|9411",
                "collector.yaml|mountPath: /var/lib/augur/collector-spool|mountPath: /var/lib/augur/spool|daemonSets|--spool-dir",
                "collector.yaml|add: [SYS_PTRACE, DAC_READ_SEARCH]|add: [SYS_PTRACE, DAC_READ_SEARCH, SYS_ADMIN]|daemonSets|capabilities.add",
                "collector.yaml|hostPID: true|hostPID: false|daemonSets|hostPID",
                "functions.yaml|            capabilities:\\n              drop: [ALL]|            appArmorProfile:\\n              type: Unconfined\\n            capabilities:\\n              drop: [ALL]|daemonSets|AppArmor",
                "enforcer.yaml|mountPath: /run/netns|mountPath: /var/run/netns|daemonSets|/run/netns",
                "profiler.yaml|profiler.window.size: 2s|profiler.window.length: 2s|profiler|profiler.window.length",
                "profiler.yaml|profiler.sequences.enabled: \"true\"|profiler.sequences.enabled: true|stringFields|flinkConfiguration",
                "collector.yaml|- \"1000\"|- 1000|stringFields|args",
                "profiler.yaml|mountPath: /opt/augur/models|mountPath: /models|profiler|model-dir",
                "profiler.yaml|execution.checkpointing.interval: 1s|execution.checkpointing.interval: 10s|profiler|checkpointing.interval",
                "prometheus-rule.yaml|) > 1000|) > 100|prometheusRule|generate-prometheus-rule.sh",
                "functions.yaml|high-threshold: 0.7|high-threshold: 0.8|policy|default.yaml",
                "functions.yaml|runAsUser: 10001|runAsUser: 10002|containerImages|uid 10002",
                "functions.yaml|containerPort: 9401|containerPort: 9411|containerImages|EXPOSE",
                "collector.yaml|- io.augur.collector.CollectorMain|- io.augur.collector.Collector|containerImages|main class io.augur.collector.Collector ",
                "enforcer.yaml|- /opt/augur/lib/*|- /opt/augur/jars/*|containerImages|/opt/augur/jars/*",
                "collector.yaml|image: augur/collector:0.1.0-SNAPSHOT|image: augur/sampler:0.1.0-SNAPSHOT|containerImages|augur/sampler",
                "profiler.yaml|jarURI: local:///opt/flink/usrlib/augur-jobs-job.jar|jarURI: local:///opt/flink/usrlib/job.jar|containerImages|jarURI",
            })
    void aBrokenCopyIsRejected(
            String file, String from, String to, String check, String mentioned, @TempDir Path dir)
            throws Exception {
        try (Stream<Path> files = Files.list(shippedDir())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path target = dir.resolve(file);
        String text = Files.readString(target);
        String was = from.replace("\\n", "\n");
        assertThat(text).as("the mutation's text in " + file).contains(was);
        Files.writeString(target, text.replace(was, to.replace("\\n", "\n")));

        ManifestChecks broken = new ManifestChecks(K8sManifests.load(dir));
        @SuppressWarnings("unchecked")
        List<String> problems =
                (List<String>) ManifestChecks.class.getDeclaredMethod(check).invoke(broken);
        assertThat(problems).as(check + " of the broken copy").anyMatch(p -> p.contains(mentioned));
    }

    /**
     * One change to a copy of deploy/images (a Containerfile or a base's package list); the
     * manifests' images must then be found wanting, with a problem that mentions the given text.
     */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "base-node.packages|\\nstrace\\n|\\n|calls strace",
                "base-node.packages|\\nnftables\\n|\\n|calls nftables",
                "base-jre.packages|\\nopenjdk-17-jre-headless\\n|\\n|openjdk-17-jre-headless",
                "collector/Containerfile|FROM localhost/augur/base-node:bookworm|FROM localhost/augur/base-jre:bookworm|calls strace",
                "functions/Containerfile|USER 10001:10001|USER 0:0|non-root",
                "functions/Containerfile|USER 10001:10001|USER augur|USER is augur",
                "collector/Containerfile|EXPOSE 9403|EXPOSE 9404|EXPOSE",
                "enforcer/Containerfile|COPY lib/ /opt/augur/lib/|COPY lib/ /opt/augur/jars/|COPY lib/",
                "enforcer/Containerfile|LABEL io.augur.module=\"actuator\"|LABEL io.augur.module=\"collector\"|main class io.augur.actuator.EnforcerMain",
                "functions/Containerfile|\"io.augur.functions.http.FunctionServer\"]|\"io.augur.functions.Server\"]|ENTRYPOINT",
                "functions/Containerfile|COPY lib/ /opt/augur/lib/|COPY lib/ /opt/augur/lib/\\nRUN rm -rf /tmp|unexpected instruction RUN",
                "profiler/Containerfile|flink:2.2.1-java17|flink:1.20.1-java17|FROM",
                "profiler/Containerfile|COPY djl/ /opt/flink/lib/|COPY djl/ /opt/flink/usrlib/|DJL",
                "profiler/Containerfile|/opt/flink/usrlib/augur-jobs-job.jar|/opt/flink/usrlib/job.jar|jarURI",
            })
    void aBrokenImageIsRejected(
            String file, String from, String to, String mentioned, @TempDir Path dir)
            throws Exception {
        Path images = copyOfImages(dir);
        Path target = images.resolve(file);
        String text = Files.readString(target);
        String was = from.replace("\\n", "\n");
        assertThat(text).as("the mutation's text in " + file).contains(was);
        Files.writeString(target, text.replace(was, to.replace("\\n", "\n")));

        List<String> problems =
                new ManifestChecks(K8sManifests.load(shippedDir()), images).containerImages();
        assertThat(problems).as("the broken copy").anyMatch(p -> p.contains(mentioned));
    }

    @Test
    void aContainerfileNoManifestRunsIsRejected(@TempDir Path dir) throws Exception {
        Path images = copyOfImages(dir);
        Files.createDirectories(images.resolve("extra"));
        Files.copy(
                images.resolve("functions/Containerfile"), images.resolve("extra/Containerfile"));
        assertThat(new ManifestChecks(K8sManifests.load(shippedDir()), images).containerImages())
                .anyMatch(p -> p.contains("no manifest runs augur/extra"));
    }

    private static Path copyOfImages(Path dir) throws IOException {
        Path shipped = AugurHome.resolve().resolve("deploy/images");
        Path images = dir.resolve("images");
        try (Stream<Path> files = Files.walk(shipped)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path to = images.resolve(shipped.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        return images;
    }
}
