package io.segflow.storage;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageSocketFactoryTest {
    private final StorageSocketFactory factory = new StorageSocketFactory();

    @Test
    void everySocketItMakesHasNagleOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket unconnected = factory.createSocket();
             Socket byName = factory.createSocket("127.0.0.1", server.getLocalPort());
             Socket byAddress = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertThat(unconnected.getTcpNoDelay()).isTrue();
            assertThat(byName.getTcpNoDelay()).isTrue();
            assertThat(byAddress.getTcpNoDelay()).isTrue();
            assertThat(byName.isConnected()).isTrue();
        }
    }

    @Test
    void smallWritesAreHeldUntilAFlushAndThenArriveWhole() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket client = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            assertThat(client.getOutputStream()).isSameAs(client.getOutputStream());
            byte[] piece = new byte[8192];
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < 4; i++) {
                Arrays.fill(piece, (byte) i);
                out.write(piece);
            }
            peer.setSoTimeout(200);
            InputStream peerIn = peer.getInputStream();
            assertThatThrownBy(peerIn::read).as("32 KB written, none flushed yet").isInstanceOf(SocketTimeoutException.class);

            out.flush();
            byte[] received = peerIn.readNBytes(4 * 8192);
            for (int i = 0; i < 4; i++) {
                assertThat(received[i * 8192]).isEqualTo((byte) i);
                assertThat(received[i * 8192 + 8191]).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void readsInSmallPiecesGetEveryByteInOrder() throws Exception {
        byte[] sent = new byte[300_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31);
        }
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             Socket client = factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            assertThat(client.getInputStream()).isSameAs(client.getInputStream());
            peer.getOutputStream().write(sent);
            peer.shutdownOutput();
            byte[] received = new byte[sent.length];
            InputStream in = client.getInputStream();
            int done = 0;
            for (int n; done < received.length && (n = in.read(received, done, Math.min(8192, received.length - done))) > 0; ) {
                done += n;
            }
            assertThat(done).isEqualTo(sent.length);
            assertThat(received).isEqualTo(sent);
            assertThat(in.read()).isEqualTo(-1);
        }
    }
}
