package io.livehub.security.boundary;

import io.livehub.security.entity.Role;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The roles that may call a REST resource or method (admin always may). Enforced by
 * {@link Guard} rather than {@code @RolesAllowed}, because {@code livehub.auth.mode=open}
 * must turn it off at run time.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Allowed {
    Role[] value();
}
