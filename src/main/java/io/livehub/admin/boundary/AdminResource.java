package io.livehub.admin.boundary;

import io.livehub.admin.control.NodeStats;
import io.livehub.events.entity.Timestamps;
import io.livehub.live.control.Connection;
import io.livehub.live.control.Hub;
import io.livehub.live.control.MessageEncoder;
import io.livehub.live.entity.Announcement;
import io.livehub.live.entity.CloseCodes;
import io.livehub.metrics.control.Metrics;
import io.livehub.problems.Problem;
import io.livehub.security.boundary.Allowed;
import io.livehub.security.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.StringReader;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/** {@code /api/admin/}: connections, channels, stats and announcements of this node. */
@Path("admin")
@ApplicationScoped
@Allowed(Role.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class.getName());
    static final int MAX_ANNOUNCEMENT = 2000;
    static final Set<String> LEVELS = Set.of("info", "warning", "critical");

    @Inject
    Hub hub;

    @Inject
    Metrics metrics;

    @GET
    @Path("connections")
    public JsonObject connections() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        hub.connections().stream().sorted(Comparator.comparingLong(Connection::connectedAt))
                .forEach(c -> list.add(describe(c)));
        return Json.createObjectBuilder().add("connections", list).build();
    }

    @DELETE
    @Path("connections/{id}")
    public Response close(@PathParam("id") String id) {
        if (!hub.close(id, CloseCodes.CLOSED_BY_ADMIN, "closed by an administrator")) {
            throw Problem.notFound("no connection with id '" + id + "'");
        }
        LOG.info("Connection " + id + " closed by an administrator");
        return Response.noContent().build();
    }

    @GET
    @Path("channels")
    public JsonObject channels() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (Hub.ChannelInfo ch : hub.channels()) {
            list.add(Json.createObjectBuilder()
                    .add("name", ch.name())
                    .add("subscribers", ch.subscribers())
                    .add("latest_seq", ch.latestSeq())
                    .add("events_per_second", ch.changesPerSecond()));
        }
        return Json.createObjectBuilder().add("channels", list).build();
    }

    @GET
    @Path("stats")
    public JsonObject stats() {
        return Json.createObjectBuilder()
                .add("node", NodeStats.current())
                .add("metrics", metrics.current())
                .build();
    }

    @POST
    @Path("announcements")
    public Response announce(String body) {
        JsonObject request;
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            request = reader.readObject();
        } catch (jakarta.json.JsonException e) {
            throw Problem.invalid("the body must be a JSON object with 'message'");
        }
        if (!(request.get("message") instanceof JsonString message) || message.getString().isBlank()
                || message.getString().length() > MAX_ANNOUNCEMENT) {
            throw Problem.invalid("field 'message' is required: a string of 1 to " + MAX_ANNOUNCEMENT + " characters");
        }
        String level = request.getString("level", "info");
        if (!LEVELS.contains(level)) {
            throw Problem.invalid("field 'level' must be one of " + new TreeSet<>(LEVELS));
        }
        JsonObject data = Json.createObjectBuilder().add("message", message.getString()).add("level", level).build();
        hub.broadcast(MessageEncoder.toText(new Announcement(data, Timestamps.now())));
        LOG.info("Announcement (" + level + ") sent to " + hub.connections().size() + " connections");
        return Response.accepted(Json.createObjectBuilder().add("delivered_to", hub.connections().size()).build()).build();
    }

    private static JsonObject describe(Connection c) {
        JsonObjectBuilder json = Json.createObjectBuilder().add("id", c.id());
        add(json, "user", c.user());
        add(json, "remote_address", c.remoteAddress());
        JsonArrayBuilder channels = Json.createArrayBuilder();
        new TreeSet<>(c.channels()).forEach(channels::add);
        return json.add("channels", channels)
                .add("queue_depth", c.queued())
                .add("catching_up", c.catchingUp())
                .add("messages_sent", c.sent())
                .add("connected_at", Timestamps.format(c.connectedAt()))
                .build();
    }

    private static void add(JsonObjectBuilder json, String field, String value) {
        if (value == null) {
            json.addNull(field);
        } else {
            json.add(field, value);
        }
    }
}
