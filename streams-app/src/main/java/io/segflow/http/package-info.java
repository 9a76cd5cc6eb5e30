/**
 * A small JSON-over-HTTP server on the JDK's {@code com.sun.net.httpserver}, shared by the HTTP
 * API and the embedded Schema Registry. It keeps Jetty off the classpath: S3Proxy shades its own
 * Jetty 12 and Kafka Connect brings another, and their servlet APIs do not mix.
 */
package io.segflow.http;
