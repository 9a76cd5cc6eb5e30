package io.segflow.embedded;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The S3 REST API, path-style ({@code /bucket/key}), over {@link ObjectFiles}: buckets (list, create, head, delete,
 * location), objects (put, copy, get with ranges, head, delete, multi-delete), listings (v1 and v2, with prefix,
 * delimiter, paging and URL encoding) and multipart uploads (create, upload part, complete, abort). Every request
 * must carry a valid Signature Version 4, and a signed payload must hash to what was signed. Anything else answers
 * {@code NotImplemented}, never a silent success.
 */
final class S3Handler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(S3Handler.class);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final int MAX_KEYS = 1000;
    private static final int SEND_BUFFER = 256 * 1024;
    private static final int MAX_XML_BODY = 4 * 1024 * 1024;
    private static final String OWNER = "segflow";
    /** Query parameters naming a sub-resource (ACLs, policies, tagging, versions...) this server does not keep. */
    private static final Set<String> UNSUPPORTED = Set.of("acl", "attributes", "accelerate", "analytics", "cors", "encryption",
            "intelligent-tiering", "inventory", "legal-hold", "lifecycle", "logging", "metrics", "notification", "object-lock",
            "ownershipControls", "policy", "policyStatus", "publicAccessBlock", "replication", "requestPayment", "restore",
            "retention", "select", "tagging", "torrent", "versioning", "versionId", "versions", "website");

    private final ObjectFiles files;
    private final SigV4 signatures;
    private final AtomicLong requests = new AtomicLong();

    S3Handler(ObjectFiles files, SigV4 signatures) {
        this.files = files;
        this.signatures = signatures;
    }

    private record Call(HttpExchange exchange, String method, String bucket, String key, Map<String, String> query,
                        SigV4.Verified verified) {
        String header(String name) {
            return exchange.getRequestHeaders().getFirst(name);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestId = String.format("%016X", requests.incrementAndGet());
            exchange.getResponseHeaders().set("x-amz-request-id", requestId);
            exchange.getResponseHeaders().set("Server", "Segflow");
            String resource = exchange.getRequestURI().getRawPath();
            try {
                serve(call(exchange));
            } catch (S3Exception e) {
                sendError(exchange, e, resource, requestId);
            } catch (Exception e) {
                if (e instanceof IOException && exchange.getResponseCode() != -1) {
                    // The answer had begun: the client stopped reading it (a reader that needed only
                    // the start of an object), as S3 clients may. Nothing to answer, nothing wrong here.
                    log.debug("S3 {} {}: the client closed the connection during the answer: {}", exchange.getRequestMethod(),
                            resource, e.toString());
                    return;
                }
                log.error("S3 {} {} failed", exchange.getRequestMethod(), resource, e);
                sendError(exchange, new S3Exception(500, "InternalError", "we encountered an internal error: " + e), resource, requestId);
            }
        }
    }

    private Call call(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String rawPath = exchange.getRequestURI().getRawPath();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Headers headers = exchange.getRequestHeaders();
        SigV4.Request request = SigV4.Request.of(method, rawPath, rawQuery, headers::get);
        SigV4.Verified verified = signatures.verify(request);
        String path = SigV4.decode(rawPath.startsWith("/") ? rawPath.substring(1) : rawPath);
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String key = slash < 0 ? "" : path.substring(slash + 1);
        return new Call(exchange, method, bucket, key, request.query(), verified);
    }

    private void serve(Call call) throws IOException {
        for (String name : call.query().keySet()) {
            if (UNSUPPORTED.contains(name)) {
                throw S3Exception.notImplemented("the ?" + name + " sub-resource");
            }
        }
        if (call.bucket().isEmpty()) {
            if (!call.method().equals("GET")) {
                throw methodNotAllowed(call);
            }
            listBuckets(call);
        } else if (call.key().isEmpty()) {
            serveBucket(call);
        } else {
            serveObject(call);
        }
    }

    private void serveBucket(Call call) throws IOException {
        Map<String, String> query = call.query();
        switch (call.method()) {
            case "PUT" -> {
                drain(call);
                files.createBucket(call.bucket());
                call.exchange().getResponseHeaders().set("Location", "/" + call.bucket());
                sendEmpty(call.exchange(), 200);
            }
            case "HEAD" -> {
                if (!files.bucketExists(call.bucket())) {
                    throw S3Exception.noSuchBucket(call.bucket());
                }
                sendEmpty(call.exchange(), 200);
            }
            case "DELETE" -> {
                files.deleteBucket(call.bucket());
                sendEmpty(call.exchange(), 204);
            }
            case "GET" -> {
                if (query.containsKey("location")) {
                    requireBucket(call);
                    // no region of its own: clients then use us-east-1, and any region's signature is accepted
                    sendXml(call.exchange(), 200, S3Xml.document("LocationConstraint").end("LocationConstraint"));
                } else if (query.containsKey("uploads")) {
                    throw S3Exception.notImplemented("listing multipart uploads");
                } else {
                    listObjects(call, "2".equals(query.get("list-type")));
                }
            }
            case "POST" -> {
                if (!query.containsKey("delete")) {
                    throw methodNotAllowed(call);
                }
                deleteObjects(call);
            }
            default -> throw methodNotAllowed(call);
        }
    }

    private void serveObject(Call call) throws IOException {
        Map<String, String> query = call.query();
        String uploadId = query.get("uploadId");
        switch (call.method()) {
            case "PUT" -> {
                if (uploadId != null) {
                    if (call.header("x-amz-copy-source") != null) {
                        throw S3Exception.notImplemented("copying into a part (UploadPartCopy)");
                    }
                    String etag = files.putPart(call.bucket(), call.key(), uploadId, partNumber(query.get("partNumber")), payload(call));
                    call.exchange().getResponseHeaders().set("ETag", Preconditions.quoted(etag));
                    sendEmpty(call.exchange(), 200);
                } else if (call.header("x-amz-copy-source") != null) {
                    copyObject(call);
                } else {
                    conditionalPut(call);
                    ObjectFiles.ObjectInfo info = files.put(call.bucket(), call.key(), payload(call));
                    call.exchange().getResponseHeaders().set("ETag", Preconditions.quoted(info.etag()));
                    sendEmpty(call.exchange(), 200);
                }
            }
            case "GET", "HEAD" -> {
                if (uploadId != null) {
                    throw S3Exception.notImplemented("listing an upload's parts");
                }
                getObject(call);
            }
            case "DELETE" -> {
                if (uploadId != null) {
                    files.abort(call.bucket(), call.key(), uploadId);
                } else {
                    files.delete(call.bucket(), call.key());
                }
                sendEmpty(call.exchange(), 204);
            }
            case "POST" -> {
                if (query.containsKey("uploads")) {
                    drain(call);
                    String id = files.createUpload(call.bucket(), call.key());
                    sendXml(call.exchange(), 200, S3Xml.document("InitiateMultipartUploadResult").element("Bucket", call.bucket())
                            .element("Key", call.key()).element("UploadId", id).end("InitiateMultipartUploadResult"));
                } else if (uploadId != null) {
                    completeUpload(call, uploadId);
                } else {
                    throw methodNotAllowed(call);
                }
            }
            default -> throw methodNotAllowed(call);
        }
    }

    private void listBuckets(Call call) throws IOException {
        S3Xml xml = S3Xml.document("ListAllMyBucketsResult").open("Owner").element("ID", OWNER).element("DisplayName", OWNER)
                .close("Owner").open("Buckets");
        for (ObjectFiles.Bucket bucket : files.buckets()) {
            xml.open("Bucket").element("Name", bucket.name()).element("CreationDate", bucket.created()).close("Bucket");
        }
        sendXml(call.exchange(), 200, xml.close("Buckets").end("ListAllMyBucketsResult"));
    }

    private void listObjects(Call call, boolean v2) throws IOException {
        Map<String, String> query = call.query();
        String prefix = query.getOrDefault("prefix", "");
        String delimiter = query.get("delimiter");
        boolean url = "url".equals(query.get("encoding-type"));
        if (query.containsKey("encoding-type") && !url) {
            throw S3Exception.invalidArgument("encoding-type must be url");
        }
        int maxKeys = MAX_KEYS;
        if (query.containsKey("max-keys")) {
            try {
                maxKeys = Math.min(MAX_KEYS, Integer.parseInt(query.get("max-keys")));
            } catch (NumberFormatException e) {
                throw S3Exception.invalidArgument("max-keys must be a number");
            }
            if (maxKeys < 0) {
                throw S3Exception.invalidArgument("max-keys must not be negative");
            }
        }
        String after;
        String token = query.get("continuation-token");
        if (v2) {
            after = token != null ? fromToken(token) : query.get("start-after");
        } else {
            after = query.get("marker");
        }
        ObjectFiles.Listing listing = maxKeys == 0 ? new ObjectFiles.Listing(List.of(), List.of(), false, null)
                : files.list(call.bucket(), prefix, delimiter, after == null || after.isEmpty() ? null : after, maxKeys);
        S3Xml xml = S3Xml.document("ListBucketResult").element("Name", call.bucket()).element("Prefix", encoded(prefix, url));
        if (v2) {
            xml.element("KeyCount", listing.objects().size() + listing.prefixes().size());
            xml.element("ContinuationToken", token).element("StartAfter", encoded(query.get("start-after"), url));
            if (listing.truncated()) {
                xml.element("NextContinuationToken", toToken(listing.last()));
            }
        } else {
            xml.element("Marker", encoded(query.getOrDefault("marker", ""), url));
            if (listing.truncated()) {
                xml.element("NextMarker", encoded(listing.last(), url));
            }
        }
        xml.element("MaxKeys", maxKeys).element("Delimiter", encoded(delimiter, url)).element("IsTruncated", listing.truncated());
        if (url) {
            xml.element("EncodingType", "url");
        }
        for (ObjectFiles.ObjectInfo object : listing.objects()) {
            xml.open("Contents").element("Key", encoded(object.key(), url)).element("LastModified", object.lastModified())
                    .element("ETag", Preconditions.quoted(object.etag())).element("Size", object.size()).element("StorageClass", "STANDARD");
            if (!v2 || "true".equals(query.get("fetch-owner"))) {
                xml.open("Owner").element("ID", OWNER).element("DisplayName", OWNER).close("Owner");
            }
            xml.close("Contents");
        }
        for (String common : listing.prefixes()) {
            xml.open("CommonPrefixes").element("Prefix", encoded(common, url)).close("CommonPrefixes");
        }
        sendXml(call.exchange(), 200, xml.end("ListBucketResult"));
    }

    private void getObject(Call call) throws IOException {
        ObjectFiles.ObjectInfo info = files.stat(call.bucket(), call.key());
        HttpExchange exchange = call.exchange();
        Headers response = exchange.getResponseHeaders();
        response.set("ETag", Preconditions.quoted(info.etag()));
        response.set("Last-Modified", HTTP_DATE.format(info.lastModified()));
        response.set("Accept-Ranges", "bytes");
        response.set("Content-Type", call.query().getOrDefault("response-content-type", "application/octet-stream"));
        if (Preconditions.notModified(call.header("If-Match"), call.header("If-None-Match"), info.etag())) {
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        long start = 0;
        long length = info.size();
        int status = 200;
        String header = call.header("Range");
        Optional<ByteRange> range = header == null ? Optional.empty() : ByteRange.of(header, info.size());
        if (range.isPresent()) {
            start = range.get().first();
            length = range.get().length();
            status = 206;
            response.set("Content-Range", range.get().contentRange(info.size()));
        }
        if (call.method().equals("HEAD")) {
            response.set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        FileChannel file;
        try {
            file = FileChannel.open(files.file(call.bucket(), call.key()), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw S3Exception.noSuchKey(call.key());
        }
        try (file) {
            // an object replaced since the stat: answer with the bytes that are there, as far as the stat said
            length = Math.max(0, Math.min(length, file.size() - start));
            exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
            if (length > 0) {
                // in large writes: the server's stream sends every write of 8 KB or more as it is, one system call each
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, SEND_BUFFER));
                try (OutputStream out = exchange.getResponseBody()) {
                    for (long done = 0; done < length; ) {
                        buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
                        int read = file.read(buffer, start + done);
                        if (read <= 0) {
                            throw new IOException("the object " + call.key() + " became shorter while it was read");
                        }
                        out.write(buffer.array(), 0, read);
                        done += read;
                    }
                }
            }
        }
    }

    private void conditionalPut(Call call) throws IOException {
        String ifNoneMatch = call.header("If-None-Match");
        String ifMatch = call.header("If-Match");
        if (ifNoneMatch == null && ifMatch == null) {
            return;
        }
        ObjectFiles.ObjectInfo existing;
        try {
            existing = files.stat(call.bucket(), call.key());
        } catch (S3Exception e) {
            if (!e.code().equals("NoSuchKey")) {
                throw e;
            }
            existing = null;
        }
        Preconditions.checkPut(ifMatch, ifNoneMatch, existing == null ? null : existing.etag(), call.key());
    }

    private void copyObject(Call call) throws IOException {
        String source = SigV4.decode(call.header("x-amz-copy-source"));
        int question = source.indexOf('?');
        if (question >= 0) {
            throw S3Exception.notImplemented("copying a version of an object");
        }
        String path = source.startsWith("/") ? source.substring(1) : source;
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw S3Exception.invalidArgument("x-amz-copy-source must be bucket/key");
        }
        drain(call);
        ObjectFiles.ObjectInfo info = files.copy(path.substring(0, slash), path.substring(slash + 1), call.bucket(), call.key());
        sendXml(call.exchange(), 200, S3Xml.document("CopyObjectResult").element("LastModified", info.lastModified())
                .element("ETag", Preconditions.quoted(info.etag())).end("CopyObjectResult"));
    }

    private void deleteObjects(Call call) throws IOException {
        requireBucket(call);
        List<Map<String, String>> items = S3Xml.items(body(call), "Object");
        boolean quiet = "true".equalsIgnoreCase(items.get(0).get("Quiet"));
        if (items.size() - 1 > MAX_KEYS) {
            throw new S3Exception(400, "MalformedXML", "a multi-delete names at most " + MAX_KEYS + " keys");
        }
        S3Xml xml = S3Xml.document("DeleteResult");
        for (Map<String, String> item : items.subList(1, items.size())) {
            String key = item.getOrDefault("Key", "");
            try {
                files.delete(call.bucket(), key);
                if (!quiet) {
                    xml.open("Deleted").element("Key", key).close("Deleted");
                }
            } catch (S3Exception e) {
                xml.open("Error").element("Key", key).element("Code", e.code()).element("Message", e.getMessage()).close("Error");
            }
        }
        sendXml(call.exchange(), 200, xml.end("DeleteResult"));
    }

    private void completeUpload(Call call, String uploadId) throws IOException {
        List<Map<String, String>> items = S3Xml.items(body(call), "Part");
        List<ObjectFiles.Part> parts = new ArrayList<>();
        for (Map<String, String> item : items.subList(1, items.size())) {
            parts.add(new ObjectFiles.Part(partNumber(item.get("PartNumber")), item.getOrDefault("ETag", "")));
        }
        ObjectFiles.ObjectInfo info = files.complete(call.bucket(), call.key(), uploadId, parts);
        sendXml(call.exchange(), 200, S3Xml.document("CompleteMultipartUploadResult")
                .element("Location", "/" + call.bucket() + "/" + call.key()).element("Bucket", call.bucket())
                .element("Key", call.key()).element("ETag", Preconditions.quoted(info.etag())).end("CompleteMultipartUploadResult"));
    }

    private static int partNumber(String text) {
        try {
            return Integer.parseInt(text == null ? "" : text.trim());
        } catch (NumberFormatException e) {
            throw S3Exception.invalidArgument("a part number must be a number from 1 to 10000");
        }
    }

    private ObjectFiles.Payload payload(Call call) {
        return CheckedPayload.of(call.exchange().getRequestBody(), call.verified(), call::header);
    }

    /** A small request body (XML), checked as a payload is. */
    private byte[] body(Call call) throws IOException {
        ObjectFiles.Payload payload = payload(call);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = payload.read(buffer); n >= 0; n = payload.read(buffer)) {
            bytes.write(buffer, 0, n);
            if (bytes.size() > MAX_XML_BODY) {
                throw new S3Exception(400, "MaxMessageLengthExceeded", "the request's XML is larger than " + MAX_XML_BODY + " bytes");
            }
        }
        payload.finish();
        return bytes.toByteArray();
    }

    /** Reads a body the operation has no use for (a bucket's location constraint), still checking its signature. */
    private void drain(Call call) throws IOException {
        body(call);
    }

    private void requireBucket(Call call) {
        if (!files.bucketExists(call.bucket())) {
            throw S3Exception.noSuchBucket(call.bucket());
        }
    }

    private static S3Exception methodNotAllowed(Call call) {
        return new S3Exception(405, "MethodNotAllowed", "the method " + call.method() + " is not allowed against this resource");
    }

    private static String encoded(String value, boolean url) {
        return value == null || !url ? value : SigV4.encode(value, false);
    }

    private static String toToken(String last) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8));
    }

    private static String fromToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw S3Exception.invalidArgument("the continuation token is not one this server handed out");
        }
    }


    private static void sendEmpty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    private static void sendXml(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendError(HttpExchange exchange, S3Exception error, String resource, String requestId) throws IOException {
        if (exchange.getResponseCode() != -1) {
            // the answer had begun: all that is left is to cut the connection, which the closing exchange does
            return;
        }
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(error.status(), -1);
            return;
        }
        sendXml(exchange, error.status(), S3Xml.error().element("Code", error.code()).element("Message", error.getMessage())
                .element("Resource", resource).element("RequestId", requestId).end("Error"));
    }
}
