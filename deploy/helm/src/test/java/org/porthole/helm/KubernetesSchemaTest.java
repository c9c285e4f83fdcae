package org.porthole.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every value set's rendering, as a 1.30 cluster with cert-manager and the Prometheus Operator
 * would get it, validated against current Kubernetes schemas (npm kubernetes-models, and its
 * cert-manager and Prometheus Operator packages) by src/test/node/validate.mjs.
 */
class KubernetesSchemaTest {

  private static final String VALIDATOR = "src/test/node/validate.mjs";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyRenderedObjectIsValidForCurrentKubernetes() throws IOException {
    List<String> args = new ArrayList<>(List.of(VALIDATOR));
    int objects = 0;
    for (String valueSet : Chart.valueSets()) {
      Rendered rendered =
          CapabilitiesTest.render(
              "1.30.0", valueSet, "monitoring.coreos.com/v1/ServiceMonitor", "cert-manager.io/v1");
      args.add(write(valueSet, rendered.objects()).toString());
      objects += rendered.objects().size();
    }
    Tools.Run run = Tools.node(args);
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("validated " + objects + " objects, 0 problems");
  }

  @Test
  void theValidatorRefusesABrokenObject() throws IOException {
    Rendered rendered = Chart.render("default-values.yaml");
    Map<String, Object> engine = rendered.named("Deployment", "demo-porthole-engine");
    Rendered.map(engine, "spec").remove("selector");
    Path file = write("broken", List.of(engine));
    Tools.Run run = Tools.node(List.of(VALIDATOR, file.toString()));
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("Deployment/demo-porthole-engine", "selector");
  }

  private static Path write(String name, List<Map<String, Object>> objects) throws IOException {
    Path file = Chart.workDir("schemas").resolve(name.replace(".yaml", "") + ".json");
    JSON.writeValue(file.toFile(), objects);
    return file;
  }
}
