package io.livehub.security.boundary;

import io.livehub.problems.Problem;
import io.livehub.security.control.AuthMode;
import io.livehub.security.entity.Role;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.security.Principal;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Lets a REST call through when its MP-JWT token (verified by the container) has one of the
 * roles its resource is {@link Allowed} for: 401 without a valid token, 403 without the role.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class Guard implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;

    @Inject
    AuthMode mode;

    @Override
    public void filter(ContainerRequestContext request) {
        if (mode.open()) {
            return;
        }
        Allowed allowed = resource.getResourceMethod() == null ? null : resource.getResourceMethod().getAnnotation(Allowed.class);
        if (allowed == null && resource.getResourceClass() != null) {
            allowed = resource.getResourceClass().getAnnotation(Allowed.class);
        }
        if (allowed == null) {
            return;
        }
        Principal principal = request.getSecurityContext().getUserPrincipal();
        if (!(principal instanceof JsonWebToken token)) {
            request.abortWith(challenge(Problem.response(401, "Unauthorized",
                    "send a valid token as 'Authorization: Bearer <JWT>'")));
            return;
        }
        Set<String> groups = token.getGroups() == null ? Set.of() : token.getGroups();
        boolean permitted = groups.contains(Role.ADMIN.group())
                || Arrays.stream(allowed.value()).anyMatch(role -> groups.contains(role.group()));
        if (!permitted) {
            request.abortWith(Problem.response(403, "Forbidden", "this needs the role "
                    + Arrays.stream(allowed.value()).map(Role::group).collect(Collectors.joining(" or "))
                    + " (or admin) in the token's groups"));
        }
    }

    private static jakarta.ws.rs.core.Response challenge(jakarta.ws.rs.core.Response problem) {
        return jakarta.ws.rs.core.Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }
}
