package io.imageflowcanvas.function.common.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request body above {@link #MAX_BYTES} with 413 before anything parses it: a step request is a small
 * JSON event (the image travels through S3), so a large body is a mistake or an attack, and reading it whole would
 * only spend memory. Bodies are read here up to one byte past the limit, declared length or not (chunked), and the
 * answer is the same problem document and error CloudEvent as every other refusal; nothing is retried.
 */
final class RequestSizeLimit extends OncePerRequestFilter implements Ordered {

    /** The largest request body a function reads. */
    static final int MAX_BYTES = 64 * 1024;

    private final String stepType;

    RequestSizeLimit(String stepType) {
        this.stepType = stepType;
    }

    @Override
    public int getOrder() {
        // Right after the content type check (RequestContentType).
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        byte[] body = declared > MAX_BYTES ? null : request.getInputStream().readNBytes(MAX_BYTES + 1);
        if (body == null || body.length > MAX_BYTES) {
            refuse(response, declared > MAX_BYTES ? declared + " bytes" : "more than " + MAX_BYTES + " bytes");
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    private void refuse(HttpServletResponse response, String size) throws IOException {
        FilterRefusals.write(response, stepType, 413, "request-too-large", "Request too large", "the request body"
                + " has " + size + "; a step request is a JSON event of at most " + MAX_BYTES + " bytes (the image"
                + " itself goes through the object store)");
    }

    /** The request with its body already read. */
    private static final class Buffered extends HttpServletRequestWrapper {

        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
