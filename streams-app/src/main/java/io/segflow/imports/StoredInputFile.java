package io.segflow.imports;

import io.segflow.storage.ObjectStorage;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An object of the bucket as Parquet's {@link InputFile}, read with HTTP range requests: the
 * footer, then each row group's column chunks, never the whole file. Small reads are served from
 * a block fetched ahead, so the footer's many small reads cost one request.
 */
final class StoredInputFile implements InputFile {
    private static final int BLOCK = 64 * 1024;

    private final ObjectStorage storage;
    private final String path;
    private final long length;

    StoredInputFile(ObjectStorage storage, String path) {
        this.storage = storage;
        this.path = path;
        this.length = storage.size(path);
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public SeekableInputStream newStream() {
        return new SeekableInputStream() {
            private long position;
            private byte[] block = new byte[0];
            private long blockStart;

            @Override
            public long getPos() {
                return position;
            }

            @Override
            public void seek(long newPos) {
                position = newPos;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int count) throws IOException {
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(count, length - position);
                readFully(bytes, offset, n);
                return n;
            }

            @Override
            public void readFully(byte[] bytes) throws IOException {
                readFully(bytes, 0, bytes.length);
            }

            @Override
            public void readFully(byte[] bytes, int offset, int count) throws IOException {
                if (position + count > length) {
                    throw new EOFException(path + ": " + count + " bytes at " + position + " run past its end at " + length);
                }
                if (count <= BLOCK) {
                    if (position < blockStart || position + count > blockStart + block.length) {
                        blockStart = position;
                        block = fetch(position, (int) Math.min(BLOCK, length - position));
                    }
                    System.arraycopy(block, (int) (position - blockStart), bytes, offset, count);
                } else {
                    System.arraycopy(fetch(position, count), 0, bytes, offset, count);
                }
                position += count;
            }

            @Override
            public int read(ByteBuffer buffer) throws IOException {
                int n = (int) Math.min(buffer.remaining(), length - position);
                if (n <= 0) {
                    return buffer.remaining() == 0 ? 0 : -1;
                }
                byte[] bytes = new byte[n];
                readFully(bytes);
                buffer.put(bytes);
                return n;
            }

            @Override
            public void readFully(ByteBuffer buffer) throws IOException {
                byte[] bytes = new byte[buffer.remaining()];
                readFully(bytes);
                buffer.put(bytes);
            }

            private byte[] fetch(long from, int count) throws IOException {
                try (InputStream in = storage.open(path, from, count)) {
                    byte[] bytes = in.readNBytes(count);
                    if (bytes.length != count) {
                        throw new EOFException(path + ": " + bytes.length + " of " + count + " bytes at " + from);
                    }
                    return bytes;
                }
            }
        };
    }
}
