package io.segflow.config;

import org.apache.kafka.streams.state.HostInfo;

import java.util.function.Supplier;

/**
 * The address other instances reach this one's HTTP API at ({@code application.server}): the
 * advertised host and port if set; else the bind address, or this machine's host name when the
 * API listens on every interface (0.0.0.0 or ::), which no peer can connect to.
 */
public final class AdvertisedAddress {
    private AdvertisedAddress() {
    }

    public static HostInfo resolve(String bindHost, int bindPort, String advertisedHost, int advertisedPort, Supplier<String> hostName) {
        String host = !advertisedHost.isBlank() ? advertisedHost : wildcard(bindHost) ? hostName.get() : bindHost;
        return new HostInfo(host, advertisedPort > 0 ? advertisedPort : bindPort);
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isBlank();
    }
}
