package io.livehub.problems;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Maps every exception a resource lets through to problem+json. */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof Problem problem) {
                return problem.response();
            }
        }
        if (failure instanceof WebApplicationException web) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            return Problem.response(status.getStatusCode(), status.getReasonPhrase(), detail(status.getStatusCode()));
        }
        LOG.log(Level.SEVERE, "Unexpected failure answering a REST request", failure);
        return Problem.response(500, "Internal Server Error", "the server failed; the failure is logged");
    }

    private static String detail(int status) {
        return switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 406 -> "only application/json is produced";
            case 415 -> "send the body as application/json";
            default -> "the request was refused";
        };
    }
}
