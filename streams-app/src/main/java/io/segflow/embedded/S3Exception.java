package io.segflow.embedded;

/** An S3 error answer: the HTTP status and S3's error code, with a message for people. */
final class S3Exception extends RuntimeException {
    private final int status;
    private final String code;

    S3Exception(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static S3Exception accessDenied(String message) {
        return new S3Exception(403, "AccessDenied", message);
    }

    static S3Exception noSuchBucket(String bucket) {
        return new S3Exception(404, "NoSuchBucket", "the bucket " + bucket + " does not exist");
    }

    static S3Exception noSuchKey(String key) {
        return new S3Exception(404, "NoSuchKey", "the key " + key + " does not exist");
    }

    static S3Exception invalidArgument(String message) {
        return new S3Exception(400, "InvalidArgument", message);
    }

    static S3Exception notImplemented(String what) {
        return new S3Exception(501, "NotImplemented", what + " is not implemented by the embedded S3 server");
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
