package io.imageflowcanvas.imaging;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;

/**
 * An encoded image (a whole JPEG, PNG, WebP or BMP file) held in native memory, freed by {@link #close()}. A step
 * reads its input object into one instead of a {@code byte[]}: a 12 MP JPEG is 3-4 MB, more than the young
 * generation of a function's heap holds, so each input on the heap went to the old generation and grew it until
 * a full collection (resize's peak resident memory: bench/README.md, "Memory"). The decoder reads the bytes where
 * they are.
 */
public final class EncodedImage implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final BytePointer pointer;
    private final long size;

    private EncodedImage(BytePointer pointer, long size) {
        this.pointer = pointer;
        this.size = size;
    }

    /**
     * Reads exactly {@code length} bytes of {@code in} (an object's declared length: an HTTP body's
     * Content-Length or a file's size). A stream that ends early or goes on is an {@link IOException}: the
     * transfer failed, not the image.
     */
    public static EncodedImage read(InputStream in, long length) throws IOException {
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an encoded image is 0 to 2^31-1 bytes, got " + length);
        }
        BytePointer pointer = new BytePointer(Math.max(length, 1));
        try {
            byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(length, 1))];
            long filled = 0;
            while (filled < length) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, length - filled));
                if (n < 0) {
                    throw new EOFException("the object ended after " + filled + " of its " + length + " bytes");
                }
                pointer.position(filled).put(chunk, 0, n);
                filled += n;
            }
            if (in.read() >= 0) {
                throw new IOException("the object is longer than its declared " + length + " bytes");
            }
            pointer.position(0).limit(length);
            return new EncodedImage(pointer, length);
        } catch (IOException | RuntimeException e) {
            pointer.close();
            throw e;
        }
    }

    /** A copy of {@code data} in native memory. */
    public static EncodedImage copyOf(byte[] data) {
        BytePointer pointer = new BytePointer(Math.max(data.length, 1));
        pointer.put(data, 0, data.length);
        pointer.position(0).limit(data.length);
        return new EncodedImage(pointer, data.length);
    }

    /** Number of bytes. */
    public long size() {
        return size;
    }

    /** The bytes, starting at the pointer's address; valid until {@link #close()}. */
    BytePointer pointer() {
        return pointer;
    }

    /** A read-only view of the bytes (index 0 to {@link #size()}); valid until {@link #close()}. */
    ByteBuffer bytes() {
        return size == 0 ? ByteBuffer.allocate(0) : pointer.asByteBuffer().asReadOnlyBuffer();
    }

    @Override
    public void close() {
        pointer.close();
    }
}
