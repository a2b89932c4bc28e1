package io.imageflowcanvas.function.common.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A binary-mode CloudEvent may carry its trace context in the CloudEvents distributed-tracing extension
 * ({@code ce-traceparent}, {@code ce-tracestate}) instead of W3C's own headers, which is what the tracer reads. Such a
 * request is read as if it had {@code traceparent}/{@code tracestate}; one that has them keeps them. Runs before the
 * filter that opens the request's span.
 */
final class CloudEventTraceContext extends OncePerRequestFilter implements Ordered {

    private static final String[][] HEADERS = {{"traceparent", "ce-traceparent"}, {"tracestate", "ce-tracestate"}};

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader("traceparent") == null && request.getHeader("ce-traceparent") != null) {
            chain.doFilter(new FromExtension(request), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static final class FromExtension extends HttpServletRequestWrapper {

        FromExtension(HttpServletRequest request) {
            super(request);
        }

        private static String extensionOf(String name) {
            for (String[] pair : HEADERS) {
                if (pair[0].equalsIgnoreCase(name)) {
                    return pair[1];
                }
            }
            return null;
        }

        @Override
        public String getHeader(String name) {
            String extension = extensionOf(name);
            return extension == null ? super.getHeader(name) : super.getHeader(extension);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String extension = extensionOf(name);
            return extension == null ? super.getHeaders(name) : super.getHeaders(extension);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            Set<String> names = new LinkedHashSet<>(Collections.list(super.getHeaderNames()));
            for (String[] pair : HEADERS) {
                if (super.getHeader(pair[1]) != null) {
                    names.add(pair[0]);
                }
            }
            return Collections.enumeration(names);
        }
    }
}
