package io.segflow.embedded;

/**
 * The conditional headers of a request ({@code If-Match}, {@code If-None-Match}) judged against an object's entity
 * tag, as S3 judges them: a list of tags, each quoted or not, or {@code *} for any.
 */
final class Preconditions {
    private Preconditions() {
    }

    /**
     * Whether a read is answered 304 Not Modified (its {@code If-None-Match} names the object's tag).
     *
     * @throws S3Exception 412 where {@code If-Match} names none of the object's tags
     */
    static boolean notModified(String ifMatch, String ifNoneMatch, String etag) {
        if (ifMatch != null && !matches(ifMatch, etag)) {
            throw new S3Exception(412, "PreconditionFailed", "the object's entity tag is not the one If-Match names");
        }
        return ifNoneMatch != null && matches(ifNoneMatch, etag);
    }

    /**
     * Checks that a put may write its key.
     *
     * @param existingEtag the tag of the object the key holds, or null if it holds none
     * @throws S3Exception 412 where {@code If-None-Match} forbids replacing the object or {@code If-Match} names
     *                     another tag, 404 where {@code If-Match} asks for an object there is not
     */
    static void checkPut(String ifMatch, String ifNoneMatch, String existingEtag, String key) {
        if (ifNoneMatch != null && existingEtag != null && matches(ifNoneMatch, existingEtag)) {
            throw new S3Exception(412, "PreconditionFailed", "the object exists and If-None-Match forbids replacing it");
        }
        if (ifMatch != null && existingEtag == null) {
            throw S3Exception.noSuchKey(key);
        }
        if (ifMatch != null && !matches(ifMatch, existingEtag)) {
            throw new S3Exception(412, "PreconditionFailed", "the object's entity tag is not the one If-Match names");
        }
    }

    /** An entity tag as headers and listings carry it. */
    static String quoted(String etag) {
        return "\"" + etag + "\"";
    }

    private static boolean matches(String condition, String etag) {
        for (String tag : condition.split(",")) {
            String trimmed = tag.trim();
            if (trimmed.equals("*") || trimmed.equals(quoted(etag)) || trimmed.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
