/**
 * The WebSocket hub at {@code /ws}: connections, channel subscriptions, delivery in seq order.
 * <p>
 * One sealed {@code Message} type with one JSON-B encoder and one decoder; a broadcast is
 * serialized once and the same frame goes to every subscriber. All channel state (who is
 * subscribed, the last seq delivered, changes waiting for an earlier one) belongs to one
 * dispatcher thread, so changes reach every socket in seq order even when their commits'
 * after-success callbacks race. Each connection has a bounded outbound queue with at most one
 * send in flight: a slow or dead client overflows its own queue and is closed, never the others.
 * On Payara (Tyrus on Grizzly), and only there, {@code TyrusFrames} lets a connection write every
 * frame queued by then, pre-built once per broadcast, in one write straight to the upgraded
 * Grizzly connection: the fan-out's cost is one socket write per connection per dispatcher round,
 * not per message. Elsewhere the portable path sends each frame.
 */
package io.livehub.live;
