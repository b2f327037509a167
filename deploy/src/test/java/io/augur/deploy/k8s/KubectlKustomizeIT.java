package io.augur.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * kubectl itself reads deploy/k8s: {@code kubectl kustomize} (offline, no cluster) renders every
 * resource of every manifest, once. Fails (never skips) when kubectl is missing: `./augur test`
 * installs it (Debian's kubernetes-client). {@code kubectl apply --dry-run=client} is not used: it
 * asks the API server for its resource types even in a dry run, and there is no cluster here.
 */
class KubectlKustomizeIT {

    @Test
    void kubectlRendersEveryResourceOnce() throws Exception {
        Process p;
        try {
            p =
                    new ProcessBuilder(
                                    "kubectl",
                                    "kustomize",
                                    K8sManifestsTest.shippedDir().toString())
                            .redirectError(ProcessBuilder.Redirect.INHERIT)
                            .start();
        } catch (IOException e) {
            fail(
                    "kubectl is not installed (Debian package kubernetes-client): `./augur test`"
                            + " installs it. ("
                            + e.getMessage()
                            + ")");
            return;
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize:\n" + out).isZero();

        Set<String> rendered = new TreeSet<>();
        int documents = 0;
        for (Object o : K8sManifests.yaml().loadAll(out)) {
            Map<String, Object> doc = K8sManifests.map(o);
            documents++;
            rendered.add(doc.get("kind") + "/" + K8sManifests.map(doc.get("metadata")).get("name"));
        }
        Set<String> files = new TreeSet<>();
        int resources = 0;
        for (K8sManifests.Doc d : K8sManifests.load(K8sManifestsTest.shippedDir()).docs()) {
            if (!d.kind().equals("Kustomization")) {
                resources++;
                files.add(d.kind() + "/" + d.name());
            }
        }
        assertThat(rendered).isEqualTo(files);
        assertThat(documents).isEqualTo(resources);
    }
}
