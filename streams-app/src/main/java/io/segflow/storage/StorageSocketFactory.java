package io.segflow.storage;

import javax.net.SocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * Plain sockets for the storage client's request/response traffic: {@code TCP_NODELAY} set, so a request's last
 * partial segment does not wait on Nagle, and streams buffered by {@value #STREAM_BUFFER_BYTES} bytes, so the
 * 8 KB pieces in which OkHttp's okio moves a body become a few large system calls instead of one each.
 * OkHttp flushes after every request, so nothing waits in the buffer.
 */
final class StorageSocketFactory extends SocketFactory {
    private static final int STREAM_BUFFER_BYTES = 64 * 1024;

    @Override
    public Socket createSocket() throws IOException {
        Socket socket = new BufferedSocket();
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket(InetAddress.getByName(host), port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(InetAddress.getByName(host), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(SocketAddress remote, SocketAddress local) throws IOException {
        Socket socket = createSocket();
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A socket handing out one buffered stream each way, made on first use. */
    private static final class BufferedSocket extends Socket {
        private InputStream in;
        private OutputStream out;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new BufferedInputStream(super.getInputStream(), STREAM_BUFFER_BYTES);
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new BufferedOutputStream(super.getOutputStream(), STREAM_BUFFER_BYTES);
            }
            return out;
        }
    }
}
