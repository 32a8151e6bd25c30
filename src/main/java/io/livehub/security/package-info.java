/**
 * Who may connect, read and write. This version runs as {@code livehub.auth.mode=open}
 * (authentication off, said loudly at every start); JWT verification, roles and channel
 * access come here, in front of the REST resources and the WebSocket handshake.
 */
package io.livehub.security;
