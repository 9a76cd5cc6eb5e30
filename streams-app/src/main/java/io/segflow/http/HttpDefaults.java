package io.segflow.http;

/**
 * JVM-wide settings of the JDK's HTTP server and client, applied where a process starts (the
 * command line, the test launcher) because the JDK reads them once, when its first server or
 * client is made.
 */
public final class HttpDefaults {
    /**
     * Seconds an idle pooled client connection is kept: below the JDK server's idle interval (30 s), so
     * that no client reuses a connection as the server closes it. A POST on such a connection fails with
     * "header parser received no bytes", as the client retries only idempotent requests.
     */
    static final String CLIENT_KEEP_ALIVE_SECONDS = "20";

    private HttpDefaults() {
    }

    public static void apply() {
        // The JDK server writes headers and body apart; with Nagle's algorithm on, the body then
        // waits for the client's delayed ACK, 40 ms on every answer.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", CLIENT_KEEP_ALIVE_SECONDS);
        }
    }
}
