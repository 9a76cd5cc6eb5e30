package io.segflow.collection;

import io.segflow.schema.dml.DmlSchemas;

import java.util.List;

/** Names of the topics a collection owns. */
public final class CollectionTopics {
    private CollectionTopics() {
    }

    /** DML events; one partition per channel. */
    public static String dml(String collection) {
        return DmlSchemas.dmlTopic(collection);
    }

    /** The compacted segment catalog, keyed by segment id. */
    public static String segments(String collection) {
        return collection + ".segments";
    }

    /** Bad input, with the reason in headers. */
    public static String dlq(String collection) {
        return collection + ".dlq";
    }

    public static String compactionTasks(String collection) {
        return collection + ".compaction-tasks";
    }

    public static String compactionResults(String collection) {
        return collection + ".compaction-results";
    }

    public static List<String> all(String collection) {
        return List.of(dml(collection), segments(collection), dlq(collection), compactionTasks(collection), compactionResults(collection));
    }
}
