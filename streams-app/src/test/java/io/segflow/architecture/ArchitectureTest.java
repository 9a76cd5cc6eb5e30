package io.segflow.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.segflow.http.HttpError;
import io.segflow.storage.ObjectStorage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules of the architecture (see docs/design.md): packages form no cycle; pure decisions
 * depend on no Kafka, object store or clock; HTTP errors stay in the HTTP layer; only the S3
 * implementation knows the MinIO client.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.segflow");
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.segflow.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void pureDecisionsDependOnNoKafkaObjectStoreOrClock() {
        ArchRule rule = noClasses().that().haveFullyQualifiedName("io.segflow.compaction.CompactionPolicies")
                .or().haveFullyQualifiedName("io.segflow.compaction.CompactionPlanner")
                .or().haveFullyQualifiedName("io.segflow.compaction.CommitPlanner")
                .or().haveFullyQualifiedName("io.segflow.compaction.OutputSizing")
                .or().haveFullyQualifiedName("io.segflow.compaction.Scheduler")
                .or().haveFullyQualifiedName("io.segflow.compaction.Packer")
                .or().haveFullyQualifiedName("io.segflow.catalog.SegmentTransitions")
                .or().haveFullyQualifiedName("io.segflow.catalog.SegmentGroups")
                .or().haveFullyQualifiedName("io.segflow.gc.CollectionDecisions")
                .or().haveFullyQualifiedName("io.segflow.delete.L0FlushPolicy")
                .or().resideInAPackage("io.segflow.seal..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.minio..")
                .orShould().dependOnClassesThat().areAssignableTo(ObjectStorage.class)
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime");
        rule.check(classes);
    }

    @Test
    void httpErrorsStayInTheHttpLayer() {
        noClasses().that().resideOutsideOfPackages("io.segflow.api..", "io.segflow.http..", "io.segflow.registry..")
                .should().dependOnClassesThat().belongToAnyOf(HttpError.class).check(classes);
    }

    @Test
    void onlyTheS3ImplementationKnowsTheMinioClient() {
        noClasses().that().doNotHaveFullyQualifiedName("io.segflow.storage.S3ObjectStorage")
                .and().doNotHaveFullyQualifiedName("io.segflow.storage.S3ObjectStorage$ArrayPuts")
                .should().dependOnClassesThat().resideInAPackage("io.minio..").check(classes);
    }
}
