package io.segflow.http;

import java.util.Map;
import java.util.Optional;

/** A request as a handler sees it: path parameters already matched and decoded. */
public record HttpRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query, byte[] body) {

    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no path parameter " + name + " in " + path);
        }
        return value;
    }

    public Optional<String> queryParam(String name) {
        return Optional.ofNullable(query.get(name));
    }
}
