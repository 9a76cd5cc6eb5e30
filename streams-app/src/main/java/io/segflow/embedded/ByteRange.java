package io.segflow.embedded;

import java.util.Optional;

/** The bytes of an object a {@code Range} header asks for, from {@code first} to {@code last} inclusive. */
record ByteRange(long first, long last) {
    /**
     * The range {@code header} asks of an object of {@code size} bytes, or empty for the whole object: S3 answers a
     * form it does not take (several ranges, a unit other than bytes, an end before the start) with every byte.
     *
     * @throws S3Exception 416 where the range starts beyond the object or asks for a suffix of no bytes
     */
    static Optional<ByteRange> of(String header, long size) {
        if (!header.startsWith("bytes=") || header.contains(",")) {
            return Optional.empty();
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        long start;
        long end;
        try {
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix == 0) {
                    throw unsatisfiable(size);
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(from);
                end = to.isEmpty() ? Long.MAX_VALUE : Long.parseLong(to);
                if (end < start) {
                    return Optional.empty();
                }
                end = Math.min(end, size - 1);
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (start >= size) {
            throw unsatisfiable(size);
        }
        return Optional.of(new ByteRange(start, end));
    }

    long length() {
        return last - first + 1;
    }

    /** The answer's {@code Content-Range}. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    private static S3Exception unsatisfiable(long size) {
        return new S3Exception(416, "InvalidRange", "the requested range is not satisfiable for an object of " + size + " bytes");
    }
}
