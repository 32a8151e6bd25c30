package io.livehub.live.boundary;

import io.livehub.live.control.TyrusFrames;
import io.livehub.problems.Problem;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Runs before the WebSocket upgrade of {@code /ws}: refuses a browser from another origin
 * (403) and handshakes beyond {@code livehub.ws.handshake-rate} per second (503 with
 * {@code Retry-After}), and hands the client's address to the endpoint in a header of its own.
 * After an upgrade it gives back what the request keeps and no longer needs ({@link TyrusFrames#releaseQueryBuffers}).
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HandshakeFilter.class.getName());
    static final String REMOTE_ADDRESS = "X-Livehub-Remote-Address";

    /** Comma-separated origins; unset means the server's own origin only. */
    @Inject
    @ConfigProperty(name = "livehub.ws.allowed-origins")
    Optional<String> allowedOrigins;

    @Inject
    @ConfigProperty(name = "livehub.ws.handshake-rate", defaultValue = "500")
    int handshakesPerSecond;

    private TokenBucket rate;

    @Override
    public void init() {
        rate = new TokenBucket(handshakesPerSecond, Math.max(1, handshakesPerSecond));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin != null && !allowed(origin, request)) {
            LOG.warning("WebSocket handshake from origin " + origin + " refused (livehub.ws.allowed-origins)");
            refuse(response, 403, "Forbidden", "origin " + origin + " is not allowed (livehub.ws.allowed-origins)");
            return;
        }
        if (!rate.tryAcquire()) {
            response.setHeader("Retry-After", "1");
            refuse(response, 503, "Service Unavailable",
                    "too many WebSocket handshakes per second (livehub.ws.handshake-rate); retry after 1 s");
            return;
        }
        chain.doFilter(new WithRemoteAddress(request), response);
        if (response.getStatus() == HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            TyrusFrames.releaseQueryBuffers(request);
        }
    }

    /** By default the server's own origin; otherwise the listed ones ({@code *} for any). */
    private boolean allowed(String origin, HttpServletRequest request) {
        if (allowedOrigins.isPresent() && !allowedOrigins.get().isBlank()) {
            return java.util.Arrays.stream(allowedOrigins.get().split(","))
                    .map(String::trim).anyMatch(o -> o.equals("*") || o.equalsIgnoreCase(origin));
        }
        try {
            URI uri = URI.create(origin);
            String host = request.getHeader("Host");
            return uri.getHost() != null && host != null
                    && host.equalsIgnoreCase(uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
        } catch (IllegalArgumentException notAUri) {
            return false;
        }
    }

    private static void refuse(HttpServletResponse response, int status, String title, String detail) throws IOException {
        Response problem = Problem.response(status, title, detail);
        response.setStatus(status);
        response.setContentType(Problem.JSON.toString());
        response.getWriter().write((String) problem.getEntity());
    }

    /** The request with the client's address in a header no client can set. */
    private static final class WithRemoteAddress extends HttpServletRequestWrapper {

        WithRemoteAddress(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return REMOTE_ADDRESS.equalsIgnoreCase(name) ? getRemoteAddr() : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return REMOTE_ADDRESS.equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(getRemoteAddr())) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(REMOTE_ADDRESS::equalsIgnoreCase);
            names.add(REMOTE_ADDRESS);
            return Collections.enumeration(names);
        }
    }
}
