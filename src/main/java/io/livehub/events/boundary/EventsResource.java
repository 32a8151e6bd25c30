package io.livehub.events.boundary;

import io.livehub.events.control.EventJson;
import io.livehub.events.control.EventStore;
import io.livehub.events.control.GroupCommitter;
import io.livehub.events.control.Idempotency;
import io.livehub.events.control.Idempotency.Answer;
import io.livehub.events.entity.EventPage;
import io.livehub.events.entity.NewEvent;
import io.livehub.problems.Problem;
import io.livehub.security.boundary.Allowed;
import io.livehub.security.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

/**
 * Events in and out over REST: {@code /api/events}. Application-scoped and stateless: creating
 * and injecting a request-scoped resource was a sixth of a POST's CPU (issue 6's profile).
 */
@Path("events")
@ApplicationScoped
@Allowed({Role.SUBSCRIBER, Role.PUBLISHER})
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_KEY_LENGTH = 200;

    @Inject
    EventStore store;

    @Inject
    GroupCommitter committer;

    @Inject
    Idempotency idempotency;

    @Context
    UriInfo uri;

    @POST
    @Allowed(Role.PUBLISHER)
    public Response create(@HeaderParam("Idempotency-Key") String key, String body) {
        NewEvent input = EventInput.event(EventInput.object(body), "");
        String events = uri.getBaseUriBuilder().path(EventsResource.class).build().toString() + "/";
        return respond(committer.create(List.of(input), scoped("POST /api/events", key), created ->
                new Answer(201, events + created.get(0).event().id(), created.get(0).json())));
    }

    @POST
    @Path("batch")
    @Allowed(Role.PUBLISHER)
    public Response createAll(@HeaderParam("Idempotency-Key") String key, String body) {
        List<NewEvent> inputs = EventInput.batch(body);
        return respond(committer.create(inputs, scoped("POST /api/events/batch", key), created -> {
            StringBuilder events = new StringBuilder(created.size() * (created.get(0).json().length() + 1) + 16);
            events.append("{\"events\":[");
            for (int i = 0; i < created.size(); i++) {
                events.append(i == 0 ? "" : ",").append(created.get(i).json());
            }
            return new Answer(201, null, events.append("]}").toString());
        }));
    }

    @GET
    public JsonObject list(@QueryParam("channel") String channel, @QueryParam("status") String status,
                           @QueryParam("after") String after, @QueryParam("limit") String limit) {
        EventInput.channel(channel, "channel");
        EventInput.status(status, "status");
        Long cursor = number(after, "after", 0, Long.MAX_VALUE);
        if (cursor != null && channel == null) {
            throw Problem.invalid("parameter 'after' is a seq of one channel: give 'channel' with it");
        }
        Long size = number(limit, "limit", 1, MAX_LIMIT);
        EventPage page = store.list(channel, status, cursor, size == null ? DEFAULT_LIMIT : size.intValue());
        JsonObjectBuilder json = EventJson.JSON.createObjectBuilder().add("events", EventJson.array(page.events()));
        if (page.next() == null) {
            json.addNull("next");
        } else {
            json.add("next", page.next());
        }
        return json.build();
    }

    @GET
    @Path("{id}")
    public JsonObject find(@PathParam("id") String id) {
        return store.find(id).map(EventJson::of).orElseThrow(() -> noSuchEvent(id));
    }

    @PATCH
    @Path("{id}")
    @Allowed(Role.PUBLISHER)
    public Response update(@PathParam("id") String id, @HeaderParam("Idempotency-Key") String key, String body) {
        JsonObject patch = EventInput.object(body);
        String status = EventInput.status(EventInput.optionalString(patch, "status", "", null), "status");
        JsonObject payload = EventInput.payload(patch, "");
        if (status == null && payload == null) {
            throw Problem.invalid("give 'status' and/or 'payload' to change");
        }
        return write("PATCH /api/events/" + id, key, () -> store.update(id, status, payload)
                .map(e -> new Answer(200, null, EventJson.of(e).toString()))
                .orElseThrow(() -> noSuchEvent(id)));
    }

    @DELETE
    @Path("{id}")
    @Allowed(Role.PUBLISHER)
    public Response delete(@PathParam("id") String id, @HeaderParam("Idempotency-Key") String key) {
        return write("DELETE /api/events/" + id, key, () -> {
            if (!store.delete(id)) {
                throw noSuchEvent(id);
            }
            return new Answer(204, null, "");
        });
    }

    /** An {@code Idempotency-Key} scoped to its method and path, or null without one. */
    private static String scoped(String request, String key) {
        if (key == null) {
            return null;
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw Problem.invalid("header 'Idempotency-Key' must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        return request + " " + key;
    }

    private Response write(String request, String key, Supplier<Answer> write) {
        String scoped = scoped(request, key);
        if (scoped == null) {
            return respond(write.get());
        }
        try {
            return respond(idempotency.once(scoped, write));
        } catch (Problem p) {
            throw p;
        } catch (RuntimeException raced) {
            // the same key was written concurrently and committed first: answer as it did
            return respond(idempotency.earlier(scoped).orElseThrow(() -> raced));
        }
    }

    private static Response respond(Answer answer) {
        Response.ResponseBuilder response = Response.status(answer.status());
        if (answer.location() != null) {
            response.location(URI.create(answer.location()));
        }
        if (!answer.body().isEmpty()) {
            response.type(MediaType.APPLICATION_JSON).entity(answer.body());
        }
        return response.build();
    }

    private static Problem noSuchEvent(String id) {
        return Problem.notFound("no event with id '" + id + "'");
    }

    private static Long number(String value, String name, long min, long max) {
        if (value == null) {
            return null;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw Problem.invalid("parameter '" + name + "' must be a whole number from " + min + " to " + max);
    }
}
