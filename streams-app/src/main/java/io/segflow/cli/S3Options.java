package io.segflow.cli;

import io.segflow.storage.S3ObjectStorage;
import picocli.CommandLine.Option;

/** Where a command writes to the deployment's bucket directly: the same settings and environment variables as the server's. */
final class S3Options {
    @Option(names = "--s3-endpoint", defaultValue = "${env:SEGFLOW_S3_ENDPOINT:-http://127.0.0.1:9000}",
            description = "S3 endpoint (default ${DEFAULT-VALUE}; env SEGFLOW_S3_ENDPOINT).")
    String endpoint;

    @Option(names = "--s3-access-key", defaultValue = "${env:SEGFLOW_S3_ACCESS_KEY:-segflow}",
            description = "Access key (env SEGFLOW_S3_ACCESS_KEY).")
    String accessKey;

    @Option(names = "--s3-secret-key", defaultValue = "${env:SEGFLOW_S3_SECRET_KEY:-segflow-secret}",
            description = "Secret key (env SEGFLOW_S3_SECRET_KEY).")
    String secretKey;

    @Option(names = "--s3-region", defaultValue = "${env:SEGFLOW_S3_REGION:-us-east-1}",
            description = "Region (env SEGFLOW_S3_REGION).")
    String region;

    @Option(names = "--s3-bucket", defaultValue = "${env:SEGFLOW_S3_BUCKET:-segflow}",
            description = "The deployment's bucket (env SEGFLOW_S3_BUCKET).")
    String bucket;

    S3ObjectStorage storage() {
        return new S3ObjectStorage(endpoint, accessKey, secretKey, region, bucket);
    }
}
