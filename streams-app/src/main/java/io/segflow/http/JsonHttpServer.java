package io.segflow.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Routes {@code METHOD /path/{param}} to handlers that return a value, written as JSON with
 * status 200 (or the status of a {@link Created}). A handler throws {@link HttpError} for
 * another answer; any other exception goes through the server's error mapper.
 */
public final class JsonHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsonHttpServer.class);
    private static final int THREADS = 8;
    /** The largest request body read; a search of the largest dimension (32,768) is about 400 KB of JSON. */
    static final int MAX_BODY_BYTES = 16 << 20;

    /** Handles one request. */
    @FunctionalInterface
    public interface Handler {
        Object handle(HttpRequest request) throws Exception;
    }

    /** A handler's value to send with 201 Created. */
    public record Created(Object body) {
    }

    /** A handler's answer that is not JSON. */
    public record Text(String contentType, String body) {
    }

    private record Route(String method, String[] segments, Handler handler) {
    }

    private record Matched(Handler handler, HttpRequest request) {
    }

    private final ObjectMapper json;
    private final String contentType;
    private final Function<Exception, HttpError> errorMapper;
    private final List<Route> routes = new ArrayList<>();
    private HttpServer server;
    private ExecutorService executor;

    /**
     * @param errorMapper turns an unexpected exception into the answer to send
     */
    public JsonHttpServer(ObjectMapper json, String contentType, Function<Exception, HttpError> errorMapper) {
        this.json = json;
        this.contentType = contentType;
        this.errorMapper = errorMapper;
    }

    public JsonHttpServer route(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), handler));
        return this;
    }

    /** Starts listening; port 0 takes a free one. */
    public JsonHttpServer start(String name, String host, int port) throws IOException {
        HttpDefaults.apply();
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, name + "-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            Object body;
            try {
                Matched matched = match(exchange);
                body = matched.handler().handle(matched.request());
                if (body instanceof Created created) {
                    status = 201;
                    body = created.body();
                }
            } catch (HttpError e) {
                status = e.status();
                body = e.body();
            } catch (Exception e) {
                HttpError error = errorMapper.apply(e);
                if (error.status() >= 500) {
                    log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                }
                status = error.status();
                body = error.body();
            }
            byte[] bytes = body instanceof Text text ? text.body().getBytes(StandardCharsets.UTF_8) : json.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", body instanceof Text text ? text.contentType() : contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Matched match(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String[] segments = split(path);
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> params = params(route.segments(), segments);
            if (params == null) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(method)) {
                byte[] body = body(exchange);
                return new Matched(route.handler(),
                        new HttpRequest(method, path, params, query(exchange.getRequestURI().getRawQuery()), body));
            }
        }
        String message = pathKnown ? "method " + method + " not allowed on " + path : "no endpoint " + method + " " + path;
        throw new HttpError(pathKnown ? 405 : 404, Map.of("error_code", pathKnown ? 405 : 404, "message", message, "error", message));
    }

    /** The request body, refused with 413 past {@link #MAX_BODY_BYTES} before more of it is read. */
    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                // Read the rest without keeping it, so that the client, still sending, gets the answer rather than a reset.
                in.transferTo(OutputStream.nullOutputStream());
                String message = "the request body exceeds " + MAX_BODY_BYTES + " bytes";
                throw new HttpError(413, Map.of("error_code", 413, "message", message, "error", message));
            }
            return body;
        }
    }

    /** The path parameters if {@code pattern} matches {@code path}, else null. */
    private static Map<String, String> params(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{") && pattern[i].endsWith("}")) {
                params.put(pattern[i].substring(1, pattern[i].length() - 1), decode(path[i]));
            } else if (!pattern[i].equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return query;
    }

    private static String[] split(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
