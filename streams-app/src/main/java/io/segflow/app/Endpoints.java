package io.segflow.app;

/** Where an instance's services answer. */
public record Endpoints(String kafka, String schemaRegistry, String s3, String http) {
    /** The line {@code segflow run} prints once everything answers. */
    public String readyLine() {
        return "segflow ready: kafka=" + kafka + " schema-registry=" + schemaRegistry + " s3=" + s3 + " http=" + http;
    }
}
