package org.fedstats.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Descriptors;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.web.Route;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.ListDatasetsResponse;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.VariableInfo;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document describes the API that is served: every route and method, no more; its example requests are
 * read by the parser the API reads requests with; its schemas have exactly the fields of the protobuf messages whose
 * JSON they describe.
 */
class OpenApiDocumentTest {
  private static final JsonNode DOCUMENT = read();
  /** Schemas of nested enums, named apart from the messages' fields that are also called status and type. */
  private static final Map<String, Descriptors.EnumDescriptor> RENAMED = Map.of(
      "SiteStatus", SiteOutcome.Status.getDescriptor(), "VariableType", VariableInfo.Type.getDescriptor());

  private static JsonNode read() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(ResearcherHttpApi.openApiDocument());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<Route> served() {
    Federation federation = new Federation(List.of(), Duration.ofSeconds(1));
    return new ResearcherHttpApi(federation, new FederationGrpcService(federation), Duration.ofSeconds(1)).routes();
  }

  /** "GET /api/v1/results/{}": a method and a path, its parameters unnamed. */
  private static Set<String> documented() {
    Set<String> operations = new TreeSet<>();
    DOCUMENT.get("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method ->
        operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey().replaceAll("\\{[^}]+}", "{}"))));
    return operations;
  }

  @Test
  void itIsOpenApi31AndDocumentsEveryRouteServedAndNoOther() {
    assertThat(DOCUMENT.get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> served = new TreeSet<>();
    for (Route route : served()) {
      // A route whose prefix is not a whole path takes a parameter after it.
      String path = route.prefix().endsWith("/results") ? route.prefix() + "/{}" : route.prefix();
      route.methods().forEach(m -> served.add(m + " " + path));
    }
    assertThat(documented()).isEqualTo(served);
  }

  @Test
  void everyDocumentedPathIsServedWithItsMethod() {
    List<Route> routes = served();
    for (String operation : documented()) {
      String method = operation.substring(0, operation.indexOf(' '));
      String path = operation.substring(operation.indexOf(' ') + 1).replace("{}", "0b1e5b0c-6d1f-4f6e-9a39-2f8f4a3c9d21");
      assertThat(routes).as(operation).anySatisfy(r -> {
        assertThat(path.equals(r.prefix()) || path.startsWith(r.prefix() + "/")).isTrue();
        assertThat(r.methods()).contains(method);
      });
    }
  }

  @Test
  void theOnlyPublicOperationIsTheDocumentItself() {
    assertThat(DOCUMENT.at("/paths/~1api~1v1~1openapi.yaml/get/security").isArray()).isTrue();
    assertThat(DOCUMENT.at("/paths/~1api~1v1~1openapi.yaml/get/security")).isEmpty();
    assertThat(served().stream().filter(r -> !r.authenticated()).map(Route::prefix))
        .containsExactly(ResearcherHttpApi.OPENAPI_PATH);
    assertThat(DOCUMENT.at("/components/securitySchemes").fieldNames()).toIterable()
        .containsExactlyInAnyOrder("mutualTLS", "bearerAuth");
    assertThat(DOCUMENT.at("/components/securitySchemes/bearerAuth/bearerFormat").asText()).isEqualTo("JWT");
  }

  @Test
  void itsExampleRequestsAreReadAsTheApiReadsThem() throws Exception {
    JsonNode examples = DOCUMENT.at("/paths/~1api~1v1~1analyses/post/requestBody/content/application~1json/examples");
    assertThat(examples.size()).isGreaterThanOrEqualTo(4);
    Set<String> kinds = new TreeSet<>();
    for (JsonNode example : examples) {
      AnalysisRequest.Builder request = AnalysisRequest.newBuilder();
      ResearcherHttpApi.PARSER.merge(new ObjectMapper().writeValueAsString(example.get("value")), request);
      assertThat(request.getDataset()).isNotEmpty();
      kinds.add(request.getAnalysis().getKindCase().name());
    }
    assertThat(kinds).contains("COUNT", "SUMMARY", "GLM");
  }

  @Test
  void itsSchemasHaveTheFieldsOfTheMessagesTheyDescribe() {
    JsonNode schemas = DOCUMENT.at("/components/schemas");
    assertThat(schemas.get("Error").at("/properties/error/required")).hasSize(3);
    Set<String> checked = new LinkedHashSet<>();
    Deque<Descriptors.Descriptor> todo = new ArrayDeque<>(List.of(AnalysisRequest.getDescriptor(),
        AnalysisResponse.getDescriptor(), ListNodesResponse.getDescriptor(), ListDatasetsResponse.getDescriptor()));
    while (!todo.isEmpty()) {
      Descriptors.Descriptor message = todo.pop();
      if (!checked.add(message.getName())) {
        continue;
      }
      JsonNode schema = schemas.get(message.getName());
      assertThat(schema).as("a schema of %s", message.getName()).isNotNull();
      Set<String> properties = new TreeSet<>();
      if (schema.has("properties")) {
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
      }
      assertThat(properties).as(message.getName()).isEqualTo(message.getFields().stream()
          .map(Descriptors.FieldDescriptor::getJsonName).collect(Collectors.toCollection(TreeSet::new)));
      for (Descriptors.FieldDescriptor field : message.getFields()) {
        JsonNode property = schema.at("/properties/" + field.getJsonName());
        JsonNode type = field.isRepeated() ? property.get("items") : property;
        assertThat(field.isRepeated() ? property.get("type").asText() : "array").isEqualTo("array");
        switch (field.getJavaType()) {
          case MESSAGE -> {
            assertThat(type.get("$ref").asText()).isEqualTo("#/components/schemas/" + field.getMessageType()
                .getName());
            todo.add(field.getMessageType());
          }
          case ENUM -> {
            Descriptors.EnumDescriptor e = field.getEnumType();
            String name = RENAMED.entrySet().stream().filter(r -> r.getValue().equals(e)).map(Map.Entry::getKey)
                .findFirst().orElse(e.getName());
            assertThat(type.get("$ref").asText()).isEqualTo("#/components/schemas/" + name);
            assertThat(schemas.get(name).get("enum")).extracting(JsonNode::asText)
                .containsExactlyElementsOf(e.getValues().stream().map(Descriptors.EnumValueDescriptor::getName)
                    .toList());
          }
          case LONG -> assertThat(type.get("format").asText()).as(field.getFullName()).isEqualTo("int64");
          case INT -> assertThat(type.get("type").asText()).as(field.getFullName()).isEqualTo("integer");
          case BOOLEAN -> assertThat(type.get("type").asText()).as(field.getFullName()).isEqualTo("boolean");
          case STRING -> assertThat(type.get("type").asText()).as(field.getFullName()).isEqualTo("string");
          case DOUBLE, FLOAT -> assertThat(type.get("format").asText()).as(field.getFullName())
              .isIn("double", "float");
          default -> throw new AssertionError("no schema check for " + field.getFullName());
        }
      }
    }
    assertThat(checked).contains("Analysis", "Filter", "NodeStatus", "FederatedDataset", "GlmAnalysis",
        "ModelFit");
  }
}
