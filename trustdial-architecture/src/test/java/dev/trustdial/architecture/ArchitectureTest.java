package dev.trustdial.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Set;

/**
 * The module rules of ARCHITECTURE.md, checked on every module's production classes (tests may
 * reach across modules, e.g. chain's RiscvStepReplayIT drives the VM). A rule fails the build; to
 * allow a case, add it to the rule's exception list below with a comment naming the issue that
 * removes it (docs/BUILD.md).
 */
@AnalyzeClasses(packages = "dev.trustdial", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** The module a class belongs to: the package segment after {@code dev.trustdial}. */
  static String module(JavaClass c) {
    String[] parts = c.getPackageName().split("\\.");
    return parts.length > 2 ? parts[2] : "";
  }

  /**
   * Classes by fully qualified name, nested classes included (names, not literals: a move must not
   * break compilation here).
   */
  static DescribedPredicate<JavaClass> named(String... names) {
    Set<String> set = Set.of(names);
    return describe(
        "any of " + set,
        c ->
            set.contains(c.getName())
                || set.stream().anyMatch(n -> c.getName().startsWith(n + "$")));
  }

  /**
   * Dependencies point downward only (ARCHITECTURE.md): core <- chain <- da; core <- (vm, ai, tee,
   * zk); all of them <- node <- cli. http (the daemons' shared Javalin setup) sits beside core; sim
   * drives the node's logic through its ports and is used by the CLI only. explorer reads the chain
   * and DA and re-executes inference and TEE answers, but never drives the node; the example TEE
   * app sees only the TEE runtime's API. Nothing imports the CLI.
   */
  @ArchTest
  static final ArchRule modulesDependDownwardOnly =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .ensureAllClassesAreContainedInArchitecture()
          .layer("core")
          .definedBy("dev.trustdial.core..")
          .layer("http")
          .definedBy("dev.trustdial.http..")
          .layer("chain")
          .definedBy("dev.trustdial.chain..")
          .layer("da")
          .definedBy("dev.trustdial.da..")
          .layer("vm")
          .definedBy("dev.trustdial.vm..")
          .layer("ai")
          .definedBy("dev.trustdial.ai..")
          .layer("tee")
          .definedBy("dev.trustdial.tee..")
          .layer("zk")
          .definedBy("dev.trustdial.zk..")
          .layer("node")
          .definedBy("dev.trustdial.node..")
          .layer("sim")
          .definedBy("dev.trustdial.sim..")
          .layer("explorer")
          .definedBy("dev.trustdial.explorer..")
          .layer("example")
          .definedBy("dev.trustdial.example..")
          .layer("cli")
          .definedBy("dev.trustdial.cli..")
          .whereLayer("core")
          .mayNotAccessAnyLayer()
          .whereLayer("http")
          .mayNotAccessAnyLayer()
          .whereLayer("chain")
          .mayOnlyAccessLayers("core")
          .whereLayer("da")
          .mayOnlyAccessLayers("core", "http", "chain")
          .whereLayer("vm")
          .mayOnlyAccessLayers("core")
          .whereLayer("ai")
          .mayOnlyAccessLayers("core", "http")
          .whereLayer("tee")
          .mayOnlyAccessLayers("core", "http")
          .whereLayer("zk")
          .mayOnlyAccessLayers("core")
          .whereLayer("node")
          .mayOnlyAccessLayers("core", "http", "chain", "da", "vm", "ai", "tee", "zk")
          .whereLayer("sim")
          .mayOnlyAccessLayers("core", "http", "chain", "da", "vm", "ai", "tee", "zk", "node")
          .whereLayer("sim")
          .mayOnlyBeAccessedByLayers("cli")
          .whereLayer("explorer")
          .mayOnlyAccessLayers("core", "http", "chain", "da", "vm", "ai", "tee", "zk")
          .whereLayer("example")
          .mayOnlyAccessLayers("core", "http", "tee")
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer();

  /**
   * Known web3j users outside trustdial-chain, to be moved (STYLE.md: "web3j only inside
   * trustdial-chain"): core's key and address types wrap web3j's secp256k1 and checksum code. (da's
   * chain package now reaches BlobRegistry and StakeRegistry through trustdial-chain's
   * dev.trustdial.chain.da clients.) Do not add to this list; shrink it.
   */
  static final DescribedPredicate<JavaClass> WEB3J_EXCEPTIONS =
      named("dev.trustdial.core.crypto.Secp256k1Key", "dev.trustdial.core.crypto.Address")
          .as("the known exceptions (core.crypto's Secp256k1Key and Address)");

  @ArchTest
  static final ArchRule web3jStaysInChain =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.trustdial.chain..")
          .and(not(WEB3J_EXCEPTIONS))
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.web3j..")
          .because(
              "web3j is trustdial-chain's implementation detail; other modules use its typed clients");

  /** The packages that run an HTTP server. Javalin types stay inside them. */
  static final String[] HTTP_SERVER_PACKAGES = {
    "dev.trustdial.http..", // the shared server setup
    "dev.trustdial.ai.server..", // OpenAI-compatible API
    "dev.trustdial.da.node..", // da-node
    "dev.trustdial.da.proxy..", // DA proxy
    "dev.trustdial.explorer.web..", // explorer pages and JSON API
    "dev.trustdial.node.metrics..", // operator /health and /metrics
    "dev.trustdial.tee.http..", // JSON exchange shared by the TEE daemons
    "dev.trustdial.tee.kms..", // KMS
    "dev.trustdial.tee.runtime..", // attestation agent
  };

  @ArchTest
  static final ArchRule javalinStaysInServerPackages =
      noClasses()
          .that()
          .resideOutsideOfPackages(HTTP_SERVER_PACKAGES)
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.javalin..")
          .because("one HTTP server stack, behind each daemon's server class");

  @ArchTest
  static final ArchRule oneServerStack =
      noClasses()
          // Exception: the dev price feed needs HTTPS with a self-signed certificate, which the JDK
          // server
          // gives without Jetty's SSL module; it is a test fixture for the TEE demo, not a daemon.
          .that()
          .resideOutsideOfPackage("dev.trustdial.tee.devfeed..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.sun.net.httpserver..")
          .because("daemons serve HTTP through Javalin (trustdial-http)");

  static final DescribedPredicate<JavaClass> SERVES_HTTP =
      describe(
          "serve HTTP (use Javalin)",
          c ->
              c.getDirectDependenciesFromSelf().stream()
                  .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("io.javalin")));

  /** A server class is started by its own module or by the CLI; no other module reaches into it. */
  @ArchTest
  static final ArchRule serversAreUsedByTheirModuleOrTheCli =
      classes()
          .that(SERVES_HTTP)
          .and()
          .resideOutsideOfPackage("dev.trustdial.http..")
          .should(
              new ArchCondition<JavaClass>("be used only by their own module or trustdial-cli") {
                @Override
                public void check(JavaClass server, ConditionEvents events) {
                  for (Dependency d : server.getDirectDependenciesToSelf()) {
                    String from = module(d.getOriginClass());
                    if (!from.equals(module(server)) && !from.equals("cli")) {
                      events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                  }
                }
              });

  /**
   * The AI server's request/engine types are the HTTP API's; the node and the engine use
   * ai.inference.
   */
  @ArchTest
  static final ArchRule aiServerTypesStayInTheServer =
      noClasses()
          .that()
          .resideOutsideOfPackages("dev.trustdial.ai.server..", "dev.trustdial.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.trustdial.ai.server..")
          .because("the engine and the node must not depend on the HTTP server (issue #21 item 2)");

  /** The one native binding: the inference kernels' FFM downcalls. */
  static final String NATIVE_PACKAGE = "dev.trustdial.ai.kernel..";

  @ArchTest
  static final ArchRule nativeLinkingOnlyInTheKernels =
      noClasses()
          .that()
          .resideOutsideOfPackage(NATIVE_PACKAGE)
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.foreign.Linker")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.foreign.Linker$Option")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.foreign.SymbolLookup")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("java.lang.foreign.FunctionDescriptor")
          .orShould()
          .callMethodWhere(loadsALibrary())
          .because(
              "native code is loaded in one place ("
                  + NATIVE_PACKAGE
                  + "), where its failure is handled");

  static DescribedPredicate<JavaAccess<?>> loadsALibrary() {
    List<String> owners = List.of(System.class.getName(), Runtime.class.getName());
    return describe(
        "load a native library",
        a ->
            owners.contains(a.getTargetOwner().getName())
                && (a.getName().equals("load") || a.getName().equals("loadLibrary")));
  }

  @ArchTest
  static final ArchRule noJniMethodsOfOurOwn =
      methods()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("dev.trustdial..")
          .should()
          .notHaveModifier(JavaModifier.NATIVE)
          .because("native code is bound through FFM in " + NATIVE_PACKAGE + ", not JNI");

  @ArchTest
  static final ArchRule foreignMemoryOnlyInTheEngine =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              NATIVE_PACKAGE, "dev.trustdial.ai.model..", "dev.trustdial.ai.gguf..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.lang.foreign..")
          .because(
              "memory segments are the model loaders' and kernels' representation of weights only");

  @ArchTest
  static final ArchRule kzgJniStaysBehindKzg =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.trustdial.da.kzg..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("ethereum.ckzg4844..")
          .because("callers see Kzg and its value types; JniKzg hides the native binding");

  @ArchTest
  static final ArchRule rocksDbStaysInTheChunkStore =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.trustdial.da.node..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.rocksdb..")
          .because("RocksDB (JNI) is the da-node's chunk store and nobody else's");

  @ArchTest
  static final ArchRule zstdStaysInCheckpoints =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.trustdial.vm.checkpoint..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.github.luben.zstd..")
          .because("zstd (JNI) compresses checkpoint links (docs/spec/vm.md) and nothing else");
}
