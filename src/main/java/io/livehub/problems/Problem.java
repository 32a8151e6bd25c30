package io.livehub.problems;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A failure a client caused, answered as problem+json. */
public class Problem extends RuntimeException {

    public static final MediaType JSON = new MediaType("application", "problem+json");

    private final int status;
    private final String title;

    public Problem(int status, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
    }

    public static Problem invalid(String detail) {
        return new Problem(400, "Invalid request", detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "Not found", detail);
    }

    public static Problem tooLarge(String detail) {
        return new Problem(413, "Content too large", detail);
    }

    public Response response() {
        return response(status, title, getMessage());
    }

    public static Response response(int status, String title, String detail) {
        JsonObject body = Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", detail)
                .build();
        return Response.status(status).type(JSON).entity(body.toString()).build();
    }
}
