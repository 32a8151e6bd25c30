package io.livehub.security.boundary;

import io.livehub.problems.Problem;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses REST bodies over {@code livehub.rest.max-body-bytes} with 413, by the declared length
 * or, for a body of unknown length, as soon as reading passes the limit.
 */
@Provider
@Priority(Priorities.ENTITY_CODER)
public class BodyLimit implements ContainerRequestFilter {

    @Inject
    @ConfigProperty(name = "livehub.rest.max-body-bytes", defaultValue = "8388608")
    long maxBytes;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getLength() > maxBytes) {
            // the body is left unread: the connection cannot carry another request after it
            request.abortWith(jakarta.ws.rs.core.Response.fromResponse(tooLarge().response())
                    .header("Connection", "close").build());
            return;
        }
        if (request.hasEntity()) {
            request.setEntityStream(new Limited(request.getEntityStream(), maxBytes));
        }
    }

    private Problem tooLarge() {
        return Problem.tooLarge("the request body is over " + maxBytes + " bytes (livehub.rest.max-body-bytes)");
    }

    private final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long max) {
            super(in);
            this.left = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            left -= n;
            if (left < 0) {
                throw tooLarge();
            }
        }
    }
}
