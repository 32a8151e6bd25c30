/**
 * The administrator's API under {@code /api/admin/}: who is connected (and closing one with
 * 4500, "do not reconnect"), the channels with their subscribers and latest seq, node and JVM
 * figures, and announcements broadcast to every connection. It reads the hub's own state; it
 * keeps none of its own.
 */
package io.livehub.admin;
