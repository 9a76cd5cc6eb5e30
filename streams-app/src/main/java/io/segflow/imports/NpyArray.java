package io.segflow.imports;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One NumPy {@code .npy} array (format versions 1 to 3), read a row at a time from a stream: the
 * header (magic, version, a Python dict of {@code descr}, {@code fortran_order}, {@code shape}),
 * then C-order data. Written by hand because the Java NumPy readers map or load whole files,
 * and a 2 GB array read from object storage must stream.
 */
final class NpyArray implements AutoCloseable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])?([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private final String path;
    private final DataInputStream in;
    private final char kind;
    private final int itemBytes;
    private final long[] shape;
    private final ByteBuffer row;

    private NpyArray(String path, DataInputStream in, char kind, int itemBytes, ByteOrder order, long[] shape) throws ImportFileException {
        this.path = path;
        this.in = in;
        this.kind = kind;
        this.itemBytes = itemBytes;
        this.shape = shape;
        long rowBytes = (long) itemBytes * width();
        if (rowBytes > Integer.MAX_VALUE / 2) {
            throw new ImportFileException(path, -1, "rows of " + rowBytes + " bytes are too wide");
        }
        this.row = ByteBuffer.allocate((int) rowBytes).order(order);
    }

    static NpyArray open(String path, InputStream source) throws ImportFileException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new ImportFileException(path, -1, "not a NumPy .npy file (no \\x93NUMPY magic)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            long headerLength;
            if (major == 1) {
                headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else if (major == 2 || major == 3) {
                headerLength = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            } else {
                throw new ImportFileException(path, -1, ".npy format version " + major + " is not supported (1 to 3 are)");
            }
            if (headerLength > 1 << 20) {
                throw new ImportFileException(path, -1, ".npy header of " + headerLength + " bytes");
            }
            byte[] header = new byte[(int) headerLength];
            in.readFully(header);
            return parse(path, in, new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            closeQuietly(in);
            throw new ImportFileException(path, -1, "cannot read the .npy header: " + e.getMessage(), e);
        } catch (ImportFileException e) {
            closeQuietly(in);
            throw e;
        }
    }

    private static NpyArray parse(String path, DataInputStream in, String header) throws ImportFileException {
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new ImportFileException(path, -1, "cannot read the .npy header " + header.trim());
        }
        if (fortran.group(1).equals("True")) {
            throw new ImportFileException(path, -1, "a Fortran-order array cannot be read row by row; save it with C order");
        }
        long[] shape = Arrays.stream(shapeText.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        if (shape.length < 1 || shape.length > 2) {
            throw new ImportFileException(path, -1, "a " + shape.length + "-D array; import takes 1-D scalars and 2-D vectors");
        }
        ByteOrder order = ">".equals(descr.group(1)) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = descr.group(2).charAt(0);
        int size = Integer.parseInt(descr.group(3));
        int itemBytes = kind == 'U' ? size * 4 : size;
        if ("biufUS".indexOf(kind) < 0 || itemBytes <= 0 || (kind == 'f' && size != 4 && size != 8)) {
            throw new ImportFileException(path, -1, "dtype " + descr.group(0) + " is not supported");
        }
        return new NpyArray(path, in, kind, itemBytes, order, shape);
    }

    long rows() {
        return shape[0];
    }

    /** Elements per row: 1 for a 1-D array, the second dimension for a 2-D one. */
    int width() {
        return shape.length == 2 ? (int) shape[1] : 1;
    }

    int dimensions() {
        return shape.length;
    }

    /** The dtype as NumPy names it, e.g. {@code f4}, {@code i8}, {@code U12}. */
    String dtype() {
        return kind + String.valueOf(kind == 'U' ? itemBytes / 4 : itemBytes);
    }

    char kind() {
        return kind;
    }

    int itemBytes() {
        return itemBytes;
    }

    /** Reads the next row into the row buffer, positioned at its start. */
    ByteBuffer nextRow(long index) throws ImportFileException {
        try {
            in.readFully(row.array());
        } catch (EOFException e) {
            throw new ImportFileException(path, index, "the file ends before row " + index + " of " + rows(), e);
        } catch (IOException e) {
            throw new ImportFileException(path, index, "cannot read: " + e.getMessage(), e);
        }
        return row.clear();
    }

    /** Element {@code i} of a row as a double (kinds b, i, u, f). */
    double number(ByteBuffer values, int i) {
        int at = i * itemBytes;
        return switch (kind) {
            case 'f' -> itemBytes == 4 ? values.getFloat(at) : itemBytes == 8 ? values.getDouble(at) : Double.NaN;
            case 'b' -> values.get(at) != 0 ? 1 : 0;
            default -> integer(values, i);
        };
    }

    /**
     * A row of kind f as the insert log keeps a vector: float32, little-endian. A little-endian
     * float32 row, the usual NumPy vector file, is copied as it is.
     */
    byte[] float32LittleEndian(ByteBuffer values) {
        if (itemBytes == Float.BYTES && values.order() == ByteOrder.LITTLE_ENDIAN) {
            return Arrays.copyOf(values.array(), values.capacity());
        }
        ByteBuffer converted = ByteBuffer.allocate(width() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < width(); i++) {
            converted.putFloat(i * Float.BYTES, (float) number(values, i));
        }
        return converted.array();
    }

    /** Element {@code i} of a row as a long (kinds b, i, u). */
    long integer(ByteBuffer values, int i) {
        int at = i * itemBytes;
        boolean unsigned = kind == 'u';
        return switch (itemBytes) {
            case 1 -> unsigned ? Byte.toUnsignedLong(values.get(at)) : values.get(at);
            case 2 -> unsigned ? Short.toUnsignedLong(values.getShort(at)) : values.getShort(at);
            case 4 -> unsigned ? Integer.toUnsignedLong(values.getInt(at)) : values.getInt(at);
            default -> values.getLong(at);
        };
    }

    /** Element 0 of a row of kind U (UTF-32, padded with NUL) or S (bytes, padded with NUL) as a string. */
    String text(ByteBuffer values) {
        if (kind == 'S') {
            int length = 0;
            while (length < itemBytes && values.get(length) != 0) {
                length++;
            }
            return new String(values.array(), 0, length, StandardCharsets.UTF_8);
        }
        StringBuilder text = new StringBuilder();
        for (int at = 0; at < itemBytes; at += 4) {
            int codePoint = values.getInt(at);
            if (codePoint == 0) {
                break;
            }
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    @Override
    public void close() {
        closeQuietly(in);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing left to read.
        }
    }
}
