package io.segflow.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free ports, for servers that must be told theirs before they start (the broker advertises it).
 * They come from below the ephemeral ranges (Linux 32768-60999, macOS 49152-65535): a port the
 * system handed out for port 0 could be taken by an outgoing connection, such as a Kafka client's,
 * before the server binds it. A random start keeps concurrent JVMs apart.
 */
public final class FreePorts {
    private static final int FIRST = 10_000;
    private static final int COUNT = 22_000;
    private static final AtomicInteger NEXT = new AtomicInteger(new SplittableRandom().nextInt(COUNT));

    private FreePorts() {
    }

    public static int next() {
        for (int tried = 0; tried < COUNT; tried++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port from " + FIRST + " to " + (FIRST + COUNT - 1));
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
