package io.augur.deploy.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests of a directory (deploy/k8s), read as the API server would get them:
 * every YAML document of every {@code *.yaml} file, plus the workloads' pod templates in one shape
 * whatever their kind (Deployment, DaemonSet, FlinkDeployment).
 */
record K8sManifests(Path dir, List<Doc> docs) {

    /** One YAML document of one file. */
    record Doc(Path file, Map<String, Object> body) {
        String kind() {
            return str(body.get("kind"));
        }

        String name() {
            return str(map(body.get("metadata")).get("name"));
        }

        Map<String, Object> spec() {
            return map(body.get("spec"));
        }

        String where() {
            return file.getFileName() + " " + kind() + "/" + name();
        }
    }

    /**
     * A pod that a resource runs: its labels, pod spec and containers (a FlinkDeployment's
     * spec.image is its main container's image).
     */
    record Workload(Doc doc, Map<String, Object> labels, Map<String, Object> podSpec) {
        List<Map<String, Object>> containers() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object c : list(podSpec.get("containers"))) {
                Map<String, Object> container = new LinkedHashMap<>(map(c));
                if (doc.kind().equals("FlinkDeployment") && !container.containsKey("image")) {
                    container.put("image", doc.spec().get("image"));
                }
                out.add(container);
            }
            return out;
        }

        List<Map<String, Object>> volumes() {
            return list(podSpec.get("volumes")).stream().map(K8sManifests::map).toList();
        }

        /** The volume of this name. */
        Optional<Map<String, Object>> volume(String name) {
            return volumes().stream().filter(v -> name.equals(v.get("name"))).findFirst();
        }

        String where() {
            return doc.where();
        }
    }

    static K8sManifests load(Path dir) throws IOException {
        List<Doc> docs = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            for (Object o : yaml().loadAll(Files.readString(file))) {
                if (o != null) {
                    docs.add(new Doc(file, map(o)));
                }
            }
        }
        return new K8sManifests(dir, docs);
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    List<Doc> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.kind())).toList();
    }

    Optional<Doc> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(d.name())).findFirst();
    }

    /** Every pod template of a Deployment, DaemonSet, StatefulSet or FlinkDeployment. */
    List<Workload> workloads() {
        List<Workload> out = new ArrayList<>();
        for (Doc d : docs) {
            Map<String, Object> template =
                    switch (d.kind()) {
                        case "Deployment", "DaemonSet", "StatefulSet" ->
                                map(d.spec().get("template"));
                        case "FlinkDeployment" -> map(d.spec().get("podTemplate"));
                        default -> null;
                    };
            if (template != null) {
                out.add(
                        new Workload(
                                d,
                                map(map(template.get("metadata")).get("labels")),
                                map(template.get("spec"))));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
