package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.ChiSquaredAnalysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CorrelationAnalysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FilterList;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.InSet;
import org.fedstats.proto.v1.LinearModelAnalysis;
import org.fedstats.proto.v1.MetaAnalysis;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NullCheck;
import org.fedstats.proto.v1.Range;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.Value;
import org.fedstats.proto.v1.VariableInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A variable declared {@code type: identifier} is neither announced nor usable by any filter or analysis. */
class IdentifierTest {
  private static final String EVERY_ANALYSIS = "count, summary, table, histogram, correlation, chisq, lm, glm, meta";
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  /** A patient id of site 1, which no message may repeat. */
  private static final double SOME_ID = 1234;

  @TempDir
  Path tmp;
  private DatasetStore store;

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
  }

  private NodeSettings settings(String... datasets) {
    return SharedData.node(tmp, "site1", datasets);
  }

  private AnalysisEngine engine() throws Exception {
    NodeSettings settings = settings(SharedData.colonDataset(1, EVERY_ANALYSIS, ""));
    store = DatasetStore.open(settings.datasets());
    return new AnalysisEngine(settings, store);
  }

  private static Filter idEquals(double id) {
    return Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("id").setOp(ComparisonOperator.EQ)
        .setValue(Value.newBuilder().setNumber(id))).build();
  }

  private static GlmAnalysis.Builder model(String formula) {
    return GlmAnalysis.newBuilder().setFormula(formula).setFamily(GlmFamily.BINOMIAL);
  }

  private static void assertRefusedAsIdentifier(ThrowingCallable request) {
    assertThatThrownBy(request).isInstanceOfSatisfying(RequestException.class, e -> {
      assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(e.getMessage()).contains("variable id of dataset colon is an identifier (rule identifier)")
          .doesNotContain(String.valueOf((long) SOME_ID));
    });
  }

  @Test
  void noFilterMayNameAnIdentifier() throws Exception {
    AnalysisEngine e = engine();
    Filter in = Filter.newBuilder().setInSet(InSet.newBuilder().setVariable("id")
        .addValues(Value.newBuilder().setNumber(SOME_ID))).build();
    Filter range = Filter.newBuilder().setRange(Range.newBuilder().setVariable("id")
        .setLow(Value.newBuilder().setNumber(SOME_ID))).build();
    Filter isNull = Filter.newBuilder().setNullCheck(NullCheck.newBuilder().setVariable("id")).build();
    // Hidden inside an OR or a NOT as much as at the top.
    Filter nested = Filter.newBuilder().setOr(FilterList.newBuilder()
        .addFilters(Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("sex")
            .setOp(ComparisonOperator.EQ).setValue(Value.newBuilder().setNumber(1))))
        .addFilters(Filter.newBuilder().setNot(idEquals(SOME_ID)))).build();
    for (Filter f : List.of(idEquals(SOME_ID), in, range, isNull, nested)) {
      assertRefusedAsIdentifier(() -> e.run(new AnalysisEngine.Request("colon", true, f, COUNT)));
    }
  }

  @Test
  void noAnalysisMayUseAnIdentifier() throws Exception {
    AnalysisEngine e = engine();
    Map<String, Analysis> analyses = Map.of(
        "summary", Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("id")).build(),
        "table", Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable("rx")
            .setColumnVariable("id")).build(),
        "histogram", Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder().setVariable("id")
            .addBreaks(0).addBreaks(2000)).build(),
        "correlation", Analysis.newBuilder().setCorrelation(CorrelationAnalysis.newBuilder().addVariables("age")
            .addVariables("id")).build(),
        "chisq", Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder().setRowVariable("id")
            .setColumnVariable("status")).build(),
        "lm", Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder().setFormula("time ~ age + id")).build(),
        "glm", Analysis.newBuilder().setGlm(model("status ~ rx + id")).build(),
        "glm weights", Analysis.newBuilder().setGlm(model("status ~ rx").setWeights("id")).build(),
        "glm offset", Analysis.newBuilder().setGlm(model("status ~ rx").setOffset("id")).build(),
        "meta", Analysis.newBuilder().setMeta(MetaAnalysis.newBuilder().setModel(model("id ~ rx + age"))).build());
    assertThat(analyses.keySet().stream().map(k -> k.split(" ")[0]).distinct()).hasSize(8);
    for (var a : analyses.entrySet()) {
      assertRefusedAsIdentifier(() -> e.run(new AnalysisEngine.Request("colon", false, Filter.getDefaultInstance(),
          a.getValue())));
    }
    // A count has no variable of its own: its filter is where an identifier could appear.
    assertRefusedAsIdentifier(() -> e.run(new AnalysisEngine.Request("colon", true, idEquals(SOME_ID), COUNT)));
  }

  @Test
  void anIdentifierIsNotAnnouncedNorSuggested() throws Exception {
    NodeSettings settings = settings(SharedData.colonDataset(1, EVERY_ANALYSIS, ""));
    store = DatasetStore.open(settings.datasets());
    try (AuditLog audit = AuditLog.open(settings.auditLog())) {
      NodeGate gate = new NodeGate(settings, new AnalysisEngine(settings, store), audit,
          OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version), new SimpleMeterRegistry());
      List<String> announced = gate.info().getDatasets(0).getVariablesList().stream().map(VariableInfo::getName)
          .toList();
      assertThat(announced).contains("rx", "age", "status").doesNotContain("id");
      // A refused use is audited like any refused request, under its rule.
      NodeGate.Reply reply = gate.handle(NodeAnalysisRequest.newBuilder().setRequestId("r1").setRequester("alice")
          .setDataset("colon").setFilter(idEquals(SOME_ID)).setAnalysis(COUNT).build(), "test", Liveness.always());
      assertThat(reply.error().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(Files.readString(settings.auditLog())).contains("\"outcome\":\"PERMISSION_DENIED\"")
          .contains("(rule identifier)");
    }
    AnalysisEngine e = new AnalysisEngine(settings, store);
    assertThatThrownBy(() -> e.run(new AnalysisEngine.Request("colon", false, Filter.getDefaultInstance(),
        Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("idd")).build())))
        .hasMessageContaining("unknown variable 'idd'").hasMessageNotContaining("did you mean 'id'");
  }

  @Test
  void anIdentifierHoldsAnyTextAndTheOtherVariablesStillAnswer() throws Exception {
    StringBuilder csv = new StringBuilder("patient,age\n");
    for (int i = 0; i < 30; i++) {
      csv.append(i % 2 == 0 ? "P-" + i : String.valueOf(i)).append(',').append(40 + i).append('\n');
    }
    Path file = tmp.resolve("ids.csv");
    Files.writeString(file, csv);
    NodeSettings settings = settings("""
          - name: colon
            files: ["%s"]
            analyses: [count, summary]
            variables:
              - {name: patient, type: identifier}
              - {name: age, type: integer}
        """.formatted(file));
    store = DatasetStore.open(settings.datasets());
    AnalysisEngine e = new AnalysisEngine(settings, store);
    var outcome = e.run(new AnalysisEngine.Request("colon", false, Filter.getDefaultInstance(),
        Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("age")).build()));
    assertThat(((NodeOutcome.Answered) outcome).result().getSummary().getN()).isEqualTo(30);
    assertThatThrownBy(() -> e.run(new AnalysisEngine.Request("colon", false, Filter.getDefaultInstance(),
        Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("patient")).build())))
        .hasMessageContaining("variable patient of dataset colon is an identifier (rule identifier)");
  }
}
