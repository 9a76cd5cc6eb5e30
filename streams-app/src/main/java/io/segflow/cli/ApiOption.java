package io.segflow.cli;

import io.segflow.http.ApiClient;
import picocli.CommandLine.Option;

/** The {@code --api} option of commands that talk to a running instance. */
final class ApiOption {
    @Option(names = "--api", defaultValue = "${env:SEGFLOW_API:-http://127.0.0.1:8080}",
            description = "HTTP API of a running instance (default ${DEFAULT-VALUE}; env SEGFLOW_API).")
    String url;

    ApiClient client() {
        return new ApiClient(url);
    }
}
