package io.livehub.metrics.boundary;

import io.livehub.metrics.control.Metrics;
import io.livehub.metrics.control.Snapshots;
import io.livehub.security.boundary.Allowed;
import io.livehub.security.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/metrics} and {@code GET /api/snapshot}. */
@Path("")
@ApplicationScoped
@Allowed({Role.SUBSCRIBER, Role.PUBLISHER})
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {

    @Inject
    Metrics metrics;

    @Inject
    Snapshots snapshots;

    @GET
    @Path("metrics")
    public JsonObject metrics() {
        return metrics.current();
    }

    @GET
    @Path("snapshot")
    public JsonObject snapshot() {
        return snapshots.current();
    }
}
