package io.livehub.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small REST client of the Livehub API for tests. */
public final class Api {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;
    private final String token;

    /** Talks to the server at {@code base} with an admin token, over loopback whatever host name it was given. */
    public Api(URL base) {
        this(base, TestTokens.admin());
    }

    /** {@code token}: the bearer token to send, or null to send none. */
    public Api(URL base, String token) {
        this.base = URI.create("http://127.0.0.1:" + base.getPort() + "/");
        this.token = token;
    }

    /** The same server with another token (null: none). */
    public Api as(String otherToken) {
        try {
            return new Api(base.toURL(), otherToken);
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI base() {
        return base;
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    public HttpResponse<String> post(String path, String body, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A POST that asks first ({@code Expect: 100-continue}), as curl does for large bodies. */
    public HttpResponse<String> postLarge(String path, String body) {
        return send(request(path).expectContinue(true).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> patch(String path, String body, String... headers) {
        return send(request(path, headers).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> delete(String path, String... headers) {
        return send(request(path, headers).DELETE());
    }

    /** Creates one event and answers it, failing the test unless the server says 201. */
    public JsonObject create(String channel, String type) {
        HttpResponse<String> r = post("api/events", "{\"channel\":\"" + channel + "\",\"type\":\"" + type + "\"}");
        if (r.statusCode() != 201) {
            throw new AssertionError("POST /api/events answered " + r.statusCode() + ": " + r.body());
        }
        return json(r);
    }

    public static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
