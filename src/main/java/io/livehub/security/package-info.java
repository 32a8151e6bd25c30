/**
 * Who may connect, read and write: MicroProfile JWT tokens (the container's mechanism on REST,
 * {@code TokenVerifier} on the WebSocket handshake), roles from the {@code groups} claim,
 * channel access from the {@code channels} claim, and {@code livehub.auth.mode=open}, which
 * turns all of it off and says so loudly at every start.
 */
package io.livehub.security;
