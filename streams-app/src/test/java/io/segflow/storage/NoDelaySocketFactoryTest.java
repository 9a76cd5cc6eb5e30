package io.segflow.storage;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;

class NoDelaySocketFactoryTest {
    @Test
    void everySocketItMakesHasNagleOff() throws Exception {
        NoDelaySocketFactory factory = new NoDelaySocketFactory();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket unconnected = factory.createSocket();
             Socket byName = factory.createSocket("127.0.0.1", server.getLocalPort());
             Socket byAddress = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertThat(unconnected.getTcpNoDelay()).isTrue();
            assertThat(byName.getTcpNoDelay()).isTrue();
            assertThat(byAddress.getTcpNoDelay()).isTrue();
        }
    }
}
