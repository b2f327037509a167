package io.augur.deploy.k8s;

import static io.augur.deploy.k8s.K8sManifests.list;
import static io.augur.deploy.k8s.K8sManifests.map;
import static io.augur.deploy.k8s.K8sManifests.str;

import io.augur.actuator.EnforcerOptions;
import io.augur.cgroup.TaskCgroups;
import io.augur.collector.CollectorOptions;
import io.augur.deploy.k8s.K8sManifests.Doc;
import io.augur.deploy.k8s.K8sManifests.Workload;
import io.augur.functions.http.FunctionServer;
import io.augur.functions.http.ServerOptions;
import io.augur.launch.AugurHome;
import io.augur.launch.UsageException;
import io.augur.schema.Topic;
import io.augur.schema.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cross-references of deploy/k8s, each check returning the problems it finds (empty = fine), so
 * that a test can assert both that the shipped manifests pass and that a broken copy does not. What
 * the manifests are checked against comes from the checkout and the code: the topic catalogue
 * ({@link Topics}), the daemons' own option parsers, prometheus.yml and the rules file, the
 * decision policy, the job's declared options, and the versions in the parent pom.
 */
final class ManifestChecks {

    /** Label naming a pod's scrape job (the PodMonitor's jobLabel). */
    static final String SCRAPE_JOB = "augur.io/scrape-job";

    /** Where named network namespaces live (ip netns; TaskNetworks). */
    static final String NETNS_DIR = "/run/netns";

    /** A topic-shaped name: augur.x[.y...], not a StateFun type name (augur.io/..., augur.fn/*). */
    private static final Pattern TOPIC =
            Pattern.compile("(?<![A-Za-z0-9_.-])augur(?:\\.[a-z]+)+(?![A-Za-z0-9_/*-])");

    /**
     * Debian packages an image must hold for what its daemon runs besides java: the collector's
     * strace (--trace-syscalls, StraceCommand), the enforcer's ip and tc (TaskNetworks,
     * LinuxNetworkEffector) and nft (NetworkFilters).
     */
    static final Map<String, Set<String>> TOOLS_OF_MAIN =
            Map.of(
                    "io.augur.collector.CollectorMain", Set.of("strace"),
                    "io.augur.actuator.EnforcerMain", Set.of("iproute2", "nftables"));

    /** The package that provides /usr/bin/java in the images' Debian bases. */
    static final String JRE_PACKAGE = "openjdk-17-jre-headless";

    private final K8sManifests m;
    private final Path images;
    private final Path home = AugurHome.resolve();

    ManifestChecks(K8sManifests m) {
        this(m, AugurHome.resolve().resolve("deploy/images"));
    }

    /**
     * @param images the directory of the images' Containerfiles and base package lists
     */
    ManifestChecks(K8sManifests m, Path images) {
        this.m = m;
        this.images = images;
    }

    // --- topics ---------------------------------------------------------------------------------

    /** Every catalogue topic has its KafkaTopic, as the catalogue creates it; no other one. */
    List<String> kafkaTopics() {
        List<String> problems = new ArrayList<>();
        Map<String, Doc> byName = new HashMap<>();
        for (Doc d : m.ofKind("KafkaTopic")) {
            String name = str(d.spec().getOrDefault("topicName", d.name()));
            if (byName.put(name, d) != null) {
                problems.add("two KafkaTopics for " + name);
            }
            if (Topics.byName(name).isEmpty()) {
                problems.add(d.where() + ": topic " + name + " is not in the catalogue");
            }
        }
        for (Topic<?> t : Topics.all()) {
            Doc d = byName.get(t.name());
            if (d == null) {
                problems.add("no KafkaTopic for catalogue topic " + t.name());
                continue;
            }
            Map<String, Object> config = map(d.spec().get("config"));
            expect(problems, d.where() + " partitions", t.partitions(), d.spec().get("partitions"));
            expect(
                    problems,
                    d.where() + " cleanup.policy",
                    t.cleanupPolicy(),
                    config.get("cleanup.policy"));
            expect(
                    problems,
                    d.where() + " message.timestamp.type",
                    "LogAppendTime",
                    config.get("message.timestamp.type"));
        }
        return problems;
    }

    /** Every topic-shaped name anywhere in the manifests (module.yaml included) is a topic. */
    List<String> topicNames() {
        List<String> problems = new ArrayList<>();
        for (Doc d : m.docs()) {
            for (String s : strings(d.body())) {
                Matcher t = TOPIC.matcher(s);
                while (t.find()) {
                    if (Topics.byName(t.group()).isEmpty()) {
                        problems.add(
                                d.where() + " names topic " + t.group() + ", not in the catalogue");
                    }
                }
            }
        }
        return problems;
    }

    /** The Kafka cluster the KafkaTopics belong to is the one every component connects to. */
    List<String> bootstrap() {
        List<String> problems = new ArrayList<>();
        Set<String> clusters = new TreeSet<>();
        for (Doc d : m.ofKind("KafkaTopic")) {
            clusters.add(
                    str(
                            map(map(d.body().get("metadata")).get("labels"))
                                    .get("strimzi.io/cluster")));
        }
        if (clusters.size() != 1) {
            return List.of("KafkaTopics of clusters " + clusters + ", expected one");
        }
        // Strimzi's bootstrap Service of cluster C is C-kafka-bootstrap.
        String service = clusters.iterator().next() + "-kafka-bootstrap";
        List<String> addresses = new ArrayList<>();
        for (Workload w : m.workloads()) {
            for (Map<String, Object> c : w.containers()) {
                List<String> args = args(c);
                int i = args.indexOf("--bootstrap");
                if (i >= 0) {
                    addresses.add(w.where() + "=" + args.get(i + 1));
                }
            }
        }
        m.ofKind("FlinkDeployment")
                .forEach(
                        d ->
                                addresses.add(
                                        d.where()
                                                + "="
                                                + map(d.spec().get("flinkConfiguration"))
                                                        .get("profiler.kafka.bootstrap-servers")));
        for (Map<String, Object> doc : moduleYaml()) {
            Object address = map(doc.get("spec")).get("address");
            if (address != null) {
                addresses.add("module.yaml " + map(doc.get("spec")).get("id") + "=" + address);
            }
        }
        if (addresses.size() < 5) {
            problems.add("expected the bootstrap of 5+ components, found " + addresses);
        }
        for (String a : addresses) {
            String host = a.substring(a.indexOf('=') + 1).split(":")[0];
            if (!host.equals(service) && !host.startsWith(service + ".")) {
                problems.add(
                        a + ": not the bootstrap Service " + service + " of the topics' cluster");
            }
        }
        return problems;
    }

    /** The runtime's ingress reads catalogue topics as their catalogue value types. */
    List<String> moduleIngress() {
        List<String> problems = new ArrayList<>();
        int topics = 0;
        for (Map<String, Object> doc : moduleYaml()) {
            if (!"io.statefun.kafka.v1/ingress".equals(doc.get("kind"))) {
                continue;
            }
            for (Object o : list(map(doc.get("spec")).get("topics"))) {
                topics++;
                String topic = str(map(o).get("topic"));
                String type = str(map(o).get("valueType"));
                Optional<Topic<?>> t = Topics.byName(topic);
                if (t.isEmpty()) {
                    problems.add("module.yaml ingress reads " + topic + ", not in the catalogue");
                } else if (!("augur.types/" + t.get().valueType().getSimpleName()).equals(type)) {
                    problems.add(
                            "module.yaml reads "
                                    + topic
                                    + " as "
                                    + type
                                    + "; its values are "
                                    + t.get().valueType().getSimpleName());
                }
            }
        }
        if (topics == 0) {
            problems.add("no ingress topics in module.yaml");
        }
        return problems;
    }

    // --- images ---------------------------------------------------------------------------------

    /**
     * Augur's images are augur/NAME:VERSION with the project's version, NAME the workload's
     * (augur-NAME); the one other image is StateFun's at the version the runtime is built with; the
     * FlinkDeployment's Flink version is the parent pom's.
     */
    List<String> images() {
        List<String> problems = new ArrayList<>();
        String version = projectVersion();
        String statefun = property("statefun.version");
        String flink = property("flink.version");
        for (Workload w : m.workloads()) {
            String app = str(w.labels().get("app.kubernetes.io/name"));
            for (Map<String, Object> c : w.containers()) {
                String image = str(c.get("image"));
                if (image == null) {
                    problems.add(w.where() + ": a container without image");
                } else if (image.startsWith("augur/")) {
                    String expected = "augur/" + app.substring("augur-".length()) + ":" + version;
                    if (!image.equals(expected)) {
                        problems.add(w.where() + ": image " + image + ", expected " + expected);
                    }
                } else if (!image.equals("apache/flink-statefun:" + statefun)) {
                    problems.add(
                            w.where()
                                    + ": image "
                                    + image
                                    + ", expected augur/*:"
                                    + version
                                    + " or apache/flink-statefun:"
                                    + statefun);
                }
            }
        }
        String[] mm = flink.split("\\.");
        for (Doc d : m.ofKind("FlinkDeployment")) {
            expect(
                    problems,
                    d.where() + " flinkVersion",
                    "v" + mm[0] + "_" + mm[1],
                    d.spec().get("flinkVersion"));
        }
        return problems;
    }

    /**
     * Every image of ours that a manifest runs is built by deploy/images/NAME/Containerfile, and
     * holds what the pod expects: the command's java (its base's JRE package) and classpath
     * directory with the module that has the main class, the tools the daemon calls, the user the
     * pod runs as (numeric and non-root where the pod demands it), the ports the pod declares
     * exposed; the profiler's job jar at the jarURI, on Flink's image of the pom's version. Every
     * Containerfile is used by a manifest.
     */
    List<String> containerImages() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (Workload w : m.workloads()) {
            for (Map<String, Object> c : w.containers()) {
                String image = str(c.get("image"));
                if (image == null || !image.startsWith("augur/")) {
                    continue;
                }
                String name = image.substring("augur/".length()).split(":")[0];
                used.add(name);
                Path file = images.resolve(name).resolve("Containerfile");
                if (!Files.isRegularFile(file)) {
                    problems.add(w.where() + ": image " + image + " has no " + file);
                    continue;
                }
                Containerfile cf;
                try {
                    cf = Containerfile.parse(file);
                } catch (RuntimeException e) {
                    problems.add(file + " does not parse: " + e.getMessage());
                    continue;
                }
                String where = w.where() + " image " + name + " (" + file.getFileName() + ")";
                cf.unknown().forEach(u -> problems.add(where + ": unexpected instruction " + u));
                if (w.doc().kind().equals("FlinkDeployment")) {
                    flinkImage(w, cf, where, problems);
                } else {
                    daemonImage(c, cf, where, problems);
                }
                user(w, c, cf, where, problems);
                Set<Integer> ports = new TreeSet<>();
                for (Object p : list(c.get("ports"))) {
                    ports.add(((Number) map(p).get("containerPort")).intValue());
                }
                expect(
                        problems,
                        where + " EXPOSE (the pod's container ports)",
                        ports,
                        cf.exposed());
            }
        }
        try (Stream<Path> dirs = Files.list(images)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (Files.isRegularFile(d.resolve("Containerfile"))
                        && !used.contains(d.getFileName().toString())) {
                    problems.add(d + "/Containerfile: no manifest runs augur/" + d.getFileName());
                }
            }
        }
        return problems;
    }

    /** A JVM daemon's image: its base, classpath, main class, tools and entrypoint. */
    private void daemonImage(
            Map<String, Object> c, Containerfile cf, String where, List<String> problems)
            throws IOException {
        List<String> command = command(c);
        Set<String> packages = basePackages(cf, where, problems);
        if (command.isEmpty() || !command.get(0).equals("java")) {
            problems.add(where + ": command " + command + " does not start java");
            return;
        }
        if (!packages.contains(JRE_PACKAGE)) {
            problems.add(where + ": the command runs java, the base has no " + JRE_PACKAGE);
        }
        int cp = command.indexOf("-cp");
        String main = command.get(command.size() - 1);
        if (cp < 0 || cp + 1 >= command.size()) {
            problems.add(where + ": command without -cp: " + command);
            return;
        }
        String classpath = command.get(cp + 1);
        String dir = classpath.endsWith("/*") ? classpath.substring(0, classpath.length() - 1) : "";
        boolean staged =
                cf.copies().stream()
                        .anyMatch(k -> k.source().equals("lib/") && k.destination().equals(dir));
        if (dir.isEmpty() || !staged) {
            problems.add(
                    where
                            + ": the command's classpath "
                            + classpath
                            + " is not the directory the module's jars are copied to (COPY lib/ "
                            + dir
                            + ")");
        }
        String module = cf.labels().get("io.augur.module");
        Path source = home.resolve(module + "/src/main/java/" + main.replace('.', '/') + ".java");
        if (module == null || !Files.isRegularFile(source)) {
            problems.add(
                    where
                            + ": main class "
                            + main
                            + " is not in the module the image holds (LABEL io.augur.module="
                            + module
                            + ")");
        }
        for (String tool : TOOLS_OF_MAIN.getOrDefault(main, Set.of())) {
            if (!packages.contains(tool)) {
                problems.add(where + ": " + main + " calls " + tool + ", not in the base");
            }
        }
        if (!cf.entrypoint().contains(main) || !cf.entrypoint().contains(classpath)) {
            problems.add(
                    where
                            + ": ENTRYPOINT "
                            + cf.entrypoint()
                            + " does not run "
                            + main
                            + " from "
                            + classpath
                            + " as the manifest does");
        }
    }

    /** The profiler's image: Flink's of the pom's version, the job jar where jarURI says. */
    private void flinkImage(Workload w, Containerfile cf, String where, List<String> problems) {
        String flink = property("flink.version");
        if (cf.from() == null
                || !cf.from().matches("(.*/)?flink:" + Pattern.quote(flink) + "-java17")) {
            problems.add(
                    where
                            + ": FROM "
                            + cf.from()
                            + ", expected Flink's flink:"
                            + flink
                            + "-java17");
        }
        String jar = str(map(w.doc().spec().get("job")).get("jarURI"));
        if (jar == null || !jar.startsWith("local://") || !cf.copiesTo(jar.substring(8))) {
            problems.add(where + ": jarURI " + jar + " is not a file the image copies in");
        }
        if (cf.copies().stream().noneMatch(k -> k.destination().equals("/opt/flink/lib/"))) {
            problems.add(where + ": DJL and libtorch are not copied to /opt/flink/lib/");
        }
    }

    /** The pod's user is the image's: numeric and non-root where the pod demands non-root. */
    private static void user(
            Workload w,
            Map<String, Object> c,
            Containerfile cf,
            String where,
            List<String> problems) {
        Map<String, Object> pod = map(w.podSpec().get("securityContext"));
        Map<String, Object> container = map(c.get("securityContext"));
        Object runAsUser = container.getOrDefault("runAsUser", pod.get("runAsUser"));
        Object nonRoot = container.getOrDefault("runAsNonRoot", pod.get("runAsNonRoot"));
        int uid = cf.uid();
        if (Boolean.TRUE.equals(nonRoot) && uid <= 0) {
            problems.add(where + ": the pod runs as non-root, the image's USER is " + cf.user());
        }
        if (runAsUser != null && ((Number) runAsUser).intValue() != uid) {
            problems.add(
                    where
                            + ": the pod runs as uid "
                            + runAsUser
                            + ", the image's USER is "
                            + cf.user());
        }
    }

    /**
     * The packages of a base made here (FROM localhost/augur/base-X:
     * deploy/images/base-X.packages).
     */
    private Set<String> basePackages(Containerfile cf, String where, List<String> problems)
            throws IOException {
        Matcher base =
                Pattern.compile("localhost/augur/(base-[a-z0-9-]+):[a-z]+")
                        .matcher(String.valueOf(cf.from()));
        if (!base.matches()) {
            problems.add(where + ": FROM " + cf.from() + " is not a base made here");
            return Set.of();
        }
        Path list = images.resolve(base.group(1) + ".packages");
        if (!Files.isRegularFile(list)) {
            problems.add(where + ": no package list " + list + " for its base");
            return Set.of();
        }
        Set<String> packages = new TreeSet<>();
        for (String line : Files.readAllLines(list)) {
            String p = line.replaceAll("#.*", "").strip();
            if (!p.isEmpty()) {
                packages.add(p);
            }
        }
        return packages;
    }

    // --- services and ports ---------------------------------------------------------------------

    /** Every Service selects pods, and each of its target ports is a port of those pods. */
    List<String> services() {
        List<String> problems = new ArrayList<>();
        for (Doc s : m.ofKind("Service")) {
            Map<String, Object> selector = map(s.spec().get("selector"));
            List<Workload> selected =
                    m.workloads().stream()
                            .filter(w -> w.labels().entrySet().containsAll(selector.entrySet()))
                            .toList();
            if (selector.isEmpty() || selected.isEmpty()) {
                problems.add(s.where() + " selects no pod");
                continue;
            }
            for (Object p : list(s.spec().get("ports"))) {
                Object target = map(p).getOrDefault("targetPort", map(p).get("port"));
                for (Workload w : selected) {
                    if (containerPort(w, target).isEmpty()) {
                        problems.add(
                                s.where()
                                        + " targets port "
                                        + target
                                        + ", not a port of "
                                        + w.where());
                    }
                }
            }
        }
        return problems;
    }

    /**
     * module.yaml's function endpoint is the function server's Service, on the port the server is
     * started with, at the path it serves.
     */
    List<String> functionEndpoint() {
        List<String> problems = new ArrayList<>();
        Optional<String> url =
                moduleYaml().stream()
                        .filter(d -> "io.statefun.endpoints.v2/http".equals(d.get("kind")))
                        .map(d -> str(map(d.get("spec")).get("urlPathTemplate")))
                        .findFirst();
        if (url.isEmpty()) {
            return List.of("module.yaml has no http endpoint");
        }
        URI uri = URI.create(url.get());
        expect(problems, "endpoint path", FunctionServer.PATH, uri.getPath());
        Optional<Doc> service = m.find("Service", uri.getHost());
        if (service.isEmpty()) {
            return List.of("module.yaml calls " + uri + ": no Service " + uri.getHost());
        }
        Optional<Object> target =
                list(service.get().spec().get("ports")).stream()
                        .map(K8sManifests::map)
                        .filter(p -> Objects.equals(p.get("port"), uri.getPort()))
                        .map(p -> p.getOrDefault("targetPort", p.get("port")))
                        .findFirst();
        if (target.isEmpty()) {
            return List.of("Service " + uri.getHost() + " has no port " + uri.getPort());
        }
        for (Workload w : byMainClass("io.augur.functions.http.FunctionServer")) {
            ServerOptions o;
            try {
                o = ServerOptions.parse(args(w.containers().get(0)).toArray(String[]::new)).get();
            } catch (RuntimeException e) {
                problems.add(
                        w.where() + ": FunctionServer rejects its arguments: " + e.getMessage());
                continue;
            }
            Optional<Integer> port = containerPort(w, target.get());
            if (port.isEmpty() || port.get() != o.port()) {
                problems.add(
                        "Service "
                                + uri.getHost()
                                + " targets "
                                + target.get()
                                + " = "
                                + port.orElse(null)
                                + ", the server listens on --port "
                                + o.port());
            }
            if (o.bindAddress().startsWith("127.")) {
                problems.add(
                        w.where()
                                + ": --bind "
                                + o.bindAddress()
                                + " is unreachable from the runtime");
            }
        }
        return problems;
    }

    /**
     * Every scraped pod's `metrics` port is the one its process serves metrics on, and, for the
     * jobs prometheus.yml lists, the port there; every job of prometheus.yml is scraped here; the
     * PodMonitor scrapes that port under the scrape-job label.
     */
    List<String> metrics() throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> scrapeConfig = prometheusJobPorts();
        Set<String> seen = new TreeSet<>();
        for (Workload w : m.workloads()) {
            String job = str(w.labels().get(SCRAPE_JOB));
            if (job == null) {
                continue;
            }
            seen.add(job);
            Optional<Integer> port = containerPort(w, "metrics");
            if (port.isEmpty()) {
                problems.add(w.where() + ": scraped as " + job + " but has no port named metrics");
                continue;
            }
            Integer served = metricsPortOfProcess(w, problems);
            if (!Objects.equals(served, port.get())) {
                problems.add(
                        w.where()
                                + ": port metrics = "
                                + port.get()
                                + " but the process serves metrics on "
                                + served);
            }
            Integer configured = scrapeConfig.get(job);
            if (configured != null && !configured.equals(port.get())) {
                problems.add(
                        w.where()
                                + ": metrics on "
                                + port.get()
                                + ", prometheus.yml's "
                                + job
                                + " on "
                                + configured);
            }
        }
        for (String job : scrapeConfig.keySet()) {
            if (!seen.contains(job)) {
                problems.add("prometheus.yml's job " + job + " has no scraped pod here");
            }
        }
        List<Doc> monitors = m.ofKind("PodMonitor");
        if (monitors.size() != 1) {
            problems.add("expected one PodMonitor, found " + monitors.size());
        }
        for (Doc d : monitors) {
            expect(problems, d.where() + " jobLabel", SCRAPE_JOB, d.spec().get("jobLabel"));
            String selects = String.valueOf(d.spec().get("selector"));
            if (!selects.contains(SCRAPE_JOB)) {
                problems.add(d.where() + " does not select on " + SCRAPE_JOB);
            }
            for (Object e : list(d.spec().get("podMetricsEndpoints"))) {
                expect(problems, d.where() + " endpoint port", "metrics", map(e).get("port"));
            }
        }
        return problems;
    }

    // --- the node daemons -----------------------------------------------------------------------

    /**
     * The collector's and enforcer's DaemonSets give them what their options point at (spool,
     * state, the agents' socket, the cgroup mount, /run/netns) and the privileges of the comments,
     * no more.
     */
    List<String> daemonSets() {
        List<String> problems = new ArrayList<>();
        List<Workload> collectors = byMainClass("io.augur.collector.CollectorMain");
        List<Workload> enforcers = byMainClass("io.augur.actuator.EnforcerMain");
        if (collectors.size() != 1 || enforcers.size() != 1) {
            return List.of(
                    "expected one collector and one enforcer, found " + collectors + enforcers);
        }
        Workload collector = collectors.get(0);
        Workload enforcer = enforcers.get(0);
        for (Workload w : List.of(collector, enforcer)) {
            if (!w.doc().kind().equals("DaemonSet")) {
                problems.add(w.where() + " is not a DaemonSet");
            }
            expect(problems, w.where() + " hostPID", true, w.podSpec().get("hostPID"));
            expect(problems, w.where() + " hostNetwork", true, w.podSpec().get("hostNetwork"));
            expect(
                    problems,
                    w.where() + " dnsPolicy (hostNetwork)",
                    "ClusterFirstWithHostNet",
                    w.podSpec().get("dnsPolicy"));
            hostMount(w, TaskCgroups.DEFAULT_MOUNT.toString(), TaskCgroups.DEFAULT_MOUNT.toString())
                    .ifPresentOrElse(
                            mount -> {
                                boolean readOnly = Boolean.TRUE.equals(mount.get("readOnly"));
                                if (readOnly != w.equals(collector)) {
                                    problems.add(
                                            w.where()
                                                    + ": cgroups mounted "
                                                    + (readOnly ? "read-only" : "read-write"));
                                }
                            },
                            () -> problems.add(w.where() + ": the node's cgroups are not mounted"));
        }
        try {
            String[] args = nodeArgs(collector);
            CollectorOptions o = CollectorOptions.parse(args);
            writableHostPath(collector, o.spoolDir(), "--spool-dir", problems);
            if (o.invocationSocket() == null) {
                problems.add(collector.where() + ": no --invocation-socket for JVM agents");
            } else {
                writableHostPath(
                        collector,
                        o.invocationSocket().getParent(),
                        "--invocation-socket",
                        problems);
                String agentDefault = agentDefaultSocket();
                if (!o.invocationSocket().toString().equals(agentDefault)) {
                    problems.add(
                            collector.where()
                                    + ": agents connect to "
                                    + agentDefault
                                    + " by default, the collector listens on "
                                    + o.invocationSocket());
                }
            }
            capabilities(collector, Set.of("SYS_PTRACE", "DAC_READ_SEARCH"), problems);
            String enforcerRoot = EnforcerOptions.parse(nodeArgs(enforcer)).cgroupRoot();
            if (!o.cgroupRoot().equals(enforcerRoot)) {
                problems.add(
                        "collector reads cgroup root "
                                + o.cgroupRoot()
                                + ", the enforcer writes "
                                + enforcerRoot);
            }
        } catch (UsageException | RuntimeException e) {
            problems.add(
                    collector.where() + ": CollectorMain rejects its arguments: " + e.getMessage());
        }
        try {
            EnforcerOptions o = EnforcerOptions.parse(nodeArgs(enforcer));
            writableHostPath(enforcer, o.stateDir(), "--state-dir", problems);
            if (hostMount(enforcer, NETNS_DIR, NETNS_DIR).isEmpty()) {
                problems.add(enforcer.where() + ": " + NETNS_DIR + " is not mounted (ip -n)");
            }
            capabilities(enforcer, Set.of("KILL", "NET_ADMIN", "SYS_ADMIN"), problems);
        } catch (UsageException | RuntimeException e) {
            problems.add(
                    enforcer.where() + ": EnforcerMain rejects its arguments: " + e.getMessage());
        }
        // Unconfined AppArmor only where ptrace / ip -n need it (see the manifests' comments).
        for (Workload w : m.workloads()) {
            Object profile =
                    map(map(w.containers().get(0).get("securityContext")).get("appArmorProfile"))
                            .get("type");
            boolean daemon = w.equals(collector) || w.equals(enforcer);
            if (daemon != "Unconfined".equals(profile)) {
                problems.add(w.where() + ": AppArmor profile " + profile);
            }
        }
        expect(
                problems,
                "the enforcer's nodes are the collector's",
                collector.podSpec().get("nodeSelector"),
                enforcer.podSpec().get("nodeSelector"));
        return problems;
    }

    // --- the profiler job -----------------------------------------------------------------------

    /**
     * The FlinkDeployment runs the job's entry class with options the job declares; its model
     * directories are mounted in its pods.
     */
    List<String> profiler() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Doc> deployments = m.ofKind("FlinkDeployment");
        if (deployments.size() != 1) {
            return List.of("expected one FlinkDeployment, found " + deployments.size());
        }
        Doc d = deployments.get(0);
        Map<String, Object> job = map(d.spec().get("job"));
        String entry = str(job.get("entryClass"));
        Path source = home.resolve("jobs/src/main/java/" + entry.replace('.', '/') + ".java");
        if (!Files.isRegularFile(source)) {
            problems.add(d.where() + ": entryClass " + entry + " is not in jobs/");
        }
        Set<String> declared = jobOptionKeys();
        Map<String, Object> conf = map(d.spec().get("flinkConfiguration"));
        for (String key : conf.keySet()) {
            if (key.startsWith("profiler.") && !declared.contains(key)) {
                problems.add(d.where() + ": " + key + " is not an option of the job");
            }
        }
        expect(
                problems,
                d.where()
                        + " execution.checkpointing.interval (the job's profiler.checkpoint.interval)",
                conf.get("profiler.checkpoint.interval"),
                conf.get("execution.checkpointing.interval"));
        Workload w = m.workloads().stream().filter(x -> x.doc() == d).findFirst().orElseThrow();
        for (String key : List.of("profiler.forecast.model-dir", "profiler.sequences.model-dir")) {
            Object dir = conf.get(key);
            if (dir == null || mountOf(w, Path.of(dir.toString())).isEmpty()) {
                problems.add(d.where() + ": " + key + " = " + dir + " is not on a mounted volume");
            }
        }
        return problems;
    }

    // --- copies that must not drift -------------------------------------------------------------

    /** The PrometheusRule holds exactly the groups of deploy/prometheus's rules file. */
    List<String> prometheusRule() throws IOException {
        List<Doc> rules = m.ofKind("PrometheusRule");
        if (rules.size() != 1) {
            return List.of("expected one PrometheusRule, found " + rules.size());
        }
        Object shipped =
                map(K8sManifests.yaml()
                                .load(
                                        Files.readString(
                                                home.resolve(
                                                        "deploy/prometheus/rules/augur.rules.yml"))))
                        .get("groups");
        Object here = rules.get(0).spec().get("groups");
        return Objects.equals(shipped, here)
                ? List.of()
                : List.of(
                        rules.get(0).where()
                                + " differs from deploy/prometheus/rules/augur.rules.yml:"
                                + " rerun deploy/k8s/generate-prometheus-rule.sh");
    }

    /** The function server's policy ConfigMap is deploy/policies/default.yaml, and it reads it. */
    List<String> policy() throws IOException {
        List<String> problems = new ArrayList<>();
        String shipped = Files.readString(home.resolve("deploy/policies/default.yaml"));
        for (Workload w : byMainClass("io.augur.functions.http.FunctionServer")) {
            ServerOptions o;
            try {
                o = ServerOptions.parse(args(w.containers().get(0)).toArray(String[]::new)).get();
            } catch (RuntimeException e) {
                problems.add(w.where() + ": " + e.getMessage());
                continue;
            }
            if (o.policyFile().isEmpty()) {
                problems.add(w.where() + ": no --policy");
                continue;
            }
            Path file = o.policyFile().get();
            Optional<Map<String, Object>> mount = mountOf(w, file);
            Optional<Map<String, Object>> volume = mount.flatMap(v -> w.volume(str(v.get("name"))));
            String configMap =
                    volume.map(v -> str(map(v.get("configMap")).get("name"))).orElse(null);
            Optional<Doc> cm =
                    configMap == null ? Optional.empty() : m.find("ConfigMap", configMap);
            if (cm.isEmpty()) {
                problems.add(w.where() + ": --policy " + file + " is not in a ConfigMap volume");
                continue;
            }
            Path relative = Path.of(str(mount.get().get("mountPath"))).relativize(file);
            Object text = map(cm.get().body().get("data")).get(relative.toString());
            if (!shipped.equals(text)) {
                problems.add(
                        cm.get().where()
                                + " "
                                + relative
                                + " is not deploy/policies/default.yaml byte for byte");
            }
        }
        return problems;
    }

    /** The kustomization lists every manifest of the directory. */
    List<String> kustomization() throws IOException {
        Path file = m.dir().resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            return List.of("no kustomization.yaml");
        }
        Set<String> listed = new TreeSet<>();
        list(map(K8sManifests.yaml().load(Files.readString(file))).get("resources"))
                .forEach(r -> listed.add(r.toString()));
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(m.dir())) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                    .forEach(files::add);
        }
        return listed.equals(files)
                ? List.of()
                : List.of("kustomization.yaml lists " + listed + ", the directory has " + files);
    }

    /**
     * Values the API server takes only as strings are strings in the YAML (an unquoted 9403, true
     * or 1.0 is a number or a boolean, which it rejects): container commands, arguments and env
     * values, labels, annotations, node selectors, ConfigMap data, the FlinkDeployment's
     * flinkConfiguration.
     */
    List<String> stringFields() {
        List<String> problems = new ArrayList<>();
        for (Doc d : m.docs()) {
            Map<String, Object> meta = map(d.body().get("metadata"));
            strings(problems, d.where() + " labels", map(meta.get("labels")).values());
            strings(problems, d.where() + " annotations", map(meta.get("annotations")).values());
            if (d.kind().equals("ConfigMap")) {
                strings(problems, d.where() + " data", map(d.body().get("data")).values());
            }
            if (d.kind().equals("FlinkDeployment")) {
                strings(
                        problems,
                        d.where() + " flinkConfiguration",
                        map(d.spec().get("flinkConfiguration")).values());
            }
        }
        for (Workload w : m.workloads()) {
            strings(problems, w.where() + " pod labels", w.labels().values());
            strings(
                    problems,
                    w.where() + " nodeSelector",
                    map(w.podSpec().get("nodeSelector")).values());
            for (Map<String, Object> c : w.containers()) {
                strings(problems, w.where() + " command", list(c.get("command")));
                strings(problems, w.where() + " args", list(c.get("args")));
                for (Object e : list(c.get("env"))) {
                    if (map(e).containsKey("value")) {
                        strings(problems, w.where() + " env", List.of(map(e).get("value")));
                    }
                }
            }
        }
        return problems;
    }

    private static void strings(
            List<String> problems, String where, java.util.Collection<?> values) {
        for (Object v : values) {
            if (!(v instanceof String)) {
                problems.add(where + ": " + v + " is not a string (quote it)");
            }
        }
    }

    /** Every namespaced resource is in namespace augur. */
    List<String> namespaces() {
        List<String> problems = new ArrayList<>();
        for (Doc d : m.docs()) {
            if (d.kind() == null || d.kind().equals("Kustomization")) {
                continue;
            }
            Object ns = map(d.body().get("metadata")).get("namespace");
            if (d.kind().equals("Namespace") ? !"augur".equals(d.name()) : !"augur".equals(ns)) {
                problems.add(d.where() + " in namespace " + ns);
            }
        }
        return problems;
    }

    // --- helpers --------------------------------------------------------------------------------

    /** The documents of the StateFun module.yaml held by a ConfigMap. */
    List<Map<String, Object>> moduleYaml() {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Doc cm : m.ofKind("ConfigMap")) {
            Object text = map(cm.body().get("data")).get("module.yaml");
            if (text != null) {
                for (Object o : K8sManifests.yaml().loadAll(text.toString())) {
                    docs.add(map(o));
                }
            }
        }
        return docs;
    }

    private List<Workload> byMainClass(String mainClass) {
        return m.workloads().stream()
                .filter(w -> w.containers().stream().anyMatch(c -> command(c).contains(mainClass)))
                .toList();
    }

    private static List<String> command(Map<String, Object> container) {
        return list(container.get("command")).stream().map(Object::toString).toList();
    }

    private static List<String> args(Map<String, Object> container) {
        return list(container.get("args")).stream().map(Object::toString).toList();
    }

    /** A DaemonSet's arguments as the kubelet expands them on a node named node-1. */
    private static String[] nodeArgs(Workload w) {
        return args(w.containers().get(0)).stream()
                .map(a -> a.replace("$(NODE_NAME)", "node-1"))
                .toArray(String[]::new);
    }

    /** The container port of this name or number. */
    private static Optional<Integer> containerPort(Workload w, Object nameOrNumber) {
        for (Map<String, Object> c : w.containers()) {
            for (Object p : list(c.get("ports"))) {
                Map<String, Object> port = map(p);
                if (Objects.equals(port.get("name"), nameOrNumber)
                        || Objects.equals(port.get("containerPort"), nameOrNumber)) {
                    return Optional.of(((Number) port.get("containerPort")).intValue());
                }
            }
        }
        return Optional.empty();
    }

    /** The metrics port the pod's process is started with, by its own option parser. */
    private Integer metricsPortOfProcess(Workload w, List<String> problems) {
        Map<String, Object> c = w.containers().get(0);
        List<String> command = command(c);
        try {
            if (command.contains("io.augur.collector.CollectorMain")) {
                return CollectorOptions.parse(nodeArgs(w)).metricsPort();
            }
            if (command.contains("io.augur.actuator.EnforcerMain")) {
                return EnforcerOptions.parse(nodeArgs(w)).metricsPort();
            }
            if (command.contains("io.augur.functions.http.FunctionServer")) {
                var o = ServerOptions.parse(args(c).toArray(String[]::new)).get().metricsPort();
                return o.isPresent() ? o.getAsInt() : null;
            }
        } catch (UsageException | RuntimeException e) {
            problems.add(w.where() + ": its process rejects its arguments: " + e.getMessage());
            return null;
        }
        // A Flink process: the Prometheus reporter's port from its configuration.
        Map<String, Object> flinkConf;
        if (w.doc().kind().equals("FlinkDeployment")) {
            flinkConf = map(w.doc().spec().get("flinkConfiguration"));
        } else {
            flinkConf = flinkConfFile(w);
        }
        Object port = flinkConf.get("metrics.reporter.prom.port");
        return port == null ? null : Integer.valueOf(port.toString());
    }

    /** The flink-conf.yaml of the ConfigMap mounted at /opt/flink/conf. */
    private Map<String, Object> flinkConfFile(Workload w) {
        Optional<Map<String, Object>> mount =
                mountOf(w, Path.of("/opt/flink/conf/flink-conf.yaml"));
        Optional<String> configMap =
                mount.flatMap(v -> w.volume(str(v.get("name"))))
                        .map(v -> str(map(v.get("configMap")).get("name")));
        return configMap
                .flatMap(name -> m.find("ConfigMap", name))
                .map(cm -> map(cm.body().get("data")).get("flink-conf.yaml"))
                .map(text -> map(K8sManifests.yaml().load(text.toString())))
                .orElse(Map.of());
    }

    /** The volume mount (of the first container) that holds this path. */
    private static Optional<Map<String, Object>> mountOf(Workload w, Path path) {
        Map<String, Object> best = null;
        for (Map<String, Object> c : w.containers()) {
            for (Object o : list(c.get("volumeMounts"))) {
                Map<String, Object> mount = map(o);
                Path at = Path.of(str(mount.get("mountPath")));
                if (path.normalize().startsWith(at)
                        && (best == null
                                || at.getNameCount()
                                        > Path.of(str(best.get("mountPath"))).getNameCount())) {
                    best = mount;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The mount at containerPath of the host's hostPath. */
    private static Optional<Map<String, Object>> hostMount(
            Workload w, String containerPath, String hostPath) {
        return mountOf(w, Path.of(containerPath))
                .filter(mount -> containerPath.equals(str(mount.get("mountPath"))))
                .filter(
                        mount ->
                                w.volume(str(mount.get("name")))
                                        .map(v -> str(map(v.get("hostPath")).get("path")))
                                        .filter(hostPath::equals)
                                        .isPresent());
    }

    /** path lies on a writable hostPath volume (kept across restarts of the pod). */
    private static void writableHostPath(
            Workload w, Path path, String option, List<String> problems) {
        Optional<Map<String, Object>> mount = mountOf(w, path);
        if (mount.isEmpty()) {
            problems.add(w.where() + ": " + option + " " + path + " is not on a mounted volume");
            return;
        }
        if (Boolean.TRUE.equals(mount.get().get("readOnly"))) {
            problems.add(w.where() + ": " + option + " " + path + " is mounted read-only");
        }
        if (w.volume(str(mount.get().get("name"))).map(v -> v.get("hostPath")).isEmpty()) {
            problems.add(w.where() + ": " + option + " " + path + " is not on the node (hostPath)");
        }
    }

    /** Exactly these capabilities on top of none, unprivileged, no escalation. */
    private static void capabilities(Workload w, Set<String> expected, List<String> problems) {
        Map<String, Object> sc = map(w.containers().get(0).get("securityContext"));
        Map<String, Object> caps = map(sc.get("capabilities"));
        expect(problems, w.where() + " capabilities.drop", List.of("ALL"), caps.get("drop"));
        Set<String> added = new TreeSet<>();
        list(caps.get("add")).forEach(c -> added.add(c.toString()));
        expect(problems, w.where() + " capabilities.add", new TreeSet<>(expected), added);
        if (Boolean.TRUE.equals(sc.get("privileged"))) {
            problems.add(w.where() + " is privileged");
        }
        expect(
                problems,
                w.where() + " allowPrivilegeEscalation",
                false,
                sc.get("allowPrivilegeEscalation"));
    }

    /** job name → port of its first target in deploy/prometheus/prometheus.yml. */
    private Map<String, Integer> prometheusJobPorts() throws IOException {
        Map<String, Integer> ports = new HashMap<>();
        Map<String, Object> config =
                map(
                        K8sManifests.yaml()
                                .load(
                                        Files.readString(
                                                home.resolve("deploy/prometheus/prometheus.yml"))));
        for (Object o : list(config.get("scrape_configs"))) {
            Map<String, Object> job = map(o);
            for (Object sc : list(job.get("static_configs"))) {
                for (Object t : list(map(sc).get("targets"))) {
                    String target = t.toString();
                    ports.putIfAbsent(
                            str(job.get("job_name")),
                            Integer.valueOf(target.substring(target.lastIndexOf(':') + 1)));
                }
            }
        }
        return ports;
    }

    /** The option keys the job declares (ProfilerOptions, SequenceOptions). */
    private Set<String> jobOptionKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        Pattern key = Pattern.compile("ConfigOptions\\.key\\(\"([^\"]+)\"\\)");
        for (String f : List.of("ProfilerOptions.java", "SequenceOptions.java")) {
            Matcher k =
                    key.matcher(
                            Files.readString(
                                    home.resolve("jobs/src/main/java/io/augur/jobs/" + f)));
            while (k.find()) {
                keys.add(k.group(1));
            }
        }
        return keys;
    }

    private String agentDefaultSocket() {
        try {
            Matcher s =
                    Pattern.compile("DEFAULT_SOCKET = \"([^\"]+)\"")
                            .matcher(
                                    Files.readString(
                                            home.resolve(
                                                    "agent/src/main/java/io/augur/agent/AgentOptions.java")));
            return s.find() ? s.group(1) : "(AgentOptions.DEFAULT_SOCKET not found)";
        } catch (IOException e) {
            return "(agent sources unreadable: " + e.getMessage() + ")";
        }
    }

    private String projectVersion() {
        Matcher v =
                Pattern.compile(
                                "<artifactId>augur-parent</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(readPom());
        return v.find() ? v.group(1) : "(no version in pom.xml)";
    }

    private String property(String name) {
        Matcher v = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(readPom());
        return v.find() ? v.group(1) : "(no " + name + " in pom.xml)";
    }

    private String readPom() {
        try {
            return Files.readString(home.resolve("pom.xml"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every string key and value of a YAML tree. */
    private static Set<String> strings(Object node) {
        Set<String> out = new LinkedHashSet<>();
        collect(node, out);
        return out;
    }

    private static void collect(Object node, Set<String> out) {
        if (node instanceof Map<?, ?> mm) {
            for (Map.Entry<?, ?> e : mm.entrySet()) {
                collect(e.getKey(), out);
                collect(e.getValue(), out);
            }
        } else if (node instanceof List<?> l) {
            l.forEach(x -> collect(x, out));
        } else if (node != null) {
            out.add(node.toString());
        }
    }

    private static void expect(List<String> problems, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            problems.add(what + ": expected " + expected + ", found " + actual);
        }
    }
}
