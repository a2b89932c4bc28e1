package io.imageflowcanvas.function.common.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a step request whose body is neither {@code application/json} (binary mode) nor
 * {@code application/cloudevents+json} (structured mode) with 415, before it is read. A web page of any site can
 * POST {@code text/plain} or a form to a function on loopback without asking first; those two types it cannot.
 */
final class RequestContentType extends OncePerRequestFilter implements Ordered {

    static final Set<String> ACCEPTED = Set.of("application/json", "application/cloudevents+json");

    private final String stepType;

    RequestContentType(String stepType) {
        this.stepType = stepType;
    }

    @Override
    public int getOrder() {
        // Before the size limit: a refused type is not worth reading.
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!"POST".equals(request.getMethod()) || ACCEPTED.contains(type)) {
            chain.doFilter(request, response);
            return;
        }
        FilterRefusals.write(response, stepType, 415, "unsupported-content-type", "Unsupported content type",
                "a step request is a CloudEvent: application/json with ce-* headers (binary mode) or"
                        + " application/cloudevents+json (structured mode), not '"
                        + (contentType == null ? "(none)" : contentType) + "'");
    }
}
